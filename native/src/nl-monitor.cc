// The notification monitor: nl-socket.cc's socket watched by a uv_poll_t on Node's own loop.
// Why our own: netlink@0.3.0 aborts the process when the socket overflows (ENOBUFS); here every
// error becomes an onError(code) call and the socket stays open unless it is truly unusable.
#include "nl-monitor.h"

#include <node_api.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "napi-errno.h"
#include "nl-socket.h"

namespace wf {
namespace {

// Bounded work per wakeup so a notification storm cannot starve the rest of the loop; the
// poll is level-triggered, so what is left is picked up on the next iteration.
constexpr int kMaxDatagramsPerWakeup = 64;
// rtnetlink notifications are a few KiB at most; anything larger is dropped and reported.
constexpr long kMaxDatagramBytes = 1 << 20;
// Errors in a row with no datagram delivered in between: past this the socket counts as dead.
constexpr int kMaxErrorsWithoutData = 1000;

bool IsFatalErrno(int err) { return err == EBADF || err == ENOTSOCK || err == EINVAL || err == EFAULT; }

// The poll handle lives apart from the Monitor: uv_close completes asynchronously, possibly
// after the Monitor is gone, so the handle frees itself in its close callback.
struct PollBox {
  uv_poll_t poll;
  napi_async_cleanup_hook_handle hook_to_remove = nullptr;
};

class Monitor {
 public:
  Monitor(napi_env env, int fd, Napi::Function on_data, Napi::Function on_error)
      : env_(env), fd_(fd), on_data_(Napi::Persistent(on_data)), on_error_(Napi::Persistent(on_error)),
        async_ctx_(new Napi::AsyncContext(env, "WanFailoverNlMonitor")) {}

  // 0 or a libuv error; on error the caller still owns (and closes) the fd via Close().
  int Start(uv_loop_t* loop) {
    box_ = new PollBox();
    int rc = uv_poll_init(loop, &box_->poll, fd_);
    if (rc != 0) {
      delete box_;  // never initialised, so no uv_close
      box_ = nullptr;
      return rc;
    }
    box_->poll.data = this;
    rc = uv_poll_start(&box_->poll, UV_READABLE, OnPoll);
    if (rc == 0) napi_add_async_cleanup_hook(env_, OnEnvTeardown, this, &hook_);
    return rc;
  }

  bool closed() const { return fd_ < 0; }

  void Close() {
    CloseSocket(nullptr);
    ReleaseJs();
  }

  void Ref() {
    if (box_) uv_ref(reinterpret_cast<uv_handle_t*>(&box_->poll));
  }
  void Unref() {
    if (box_) uv_unref(reinterpret_cast<uv_handle_t*>(&box_->poll));
  }

  // GC finalizer of the JS handle: close, and free now unless a wakeup is still on the stack.
  void Release() {
    Close();
    if (busy_ > 0) {
      release_pending_ = true;
    } else {
      delete this;
    }
  }

 private:
  static void OnPoll(uv_poll_t* handle, int status, int events) {
    static_cast<Monitor*>(handle->data)->HandleWakeup(status, events);
  }

  // Env teardown (worker exit, process exit): the socket must not outlive its environment.
  static void OnEnvTeardown(napi_async_cleanup_hook_handle handle, void* arg) {
    Monitor* self = static_cast<Monitor*>(arg);
    self->hook_ = nullptr;
    self->CloseSocket(handle);
  }

  // Stops the poll and closes the fd; idempotent. `from_hook` is set when the teardown hook
  // runs: that hook must be removed only once the handle is fully closed.
  void CloseSocket(napi_async_cleanup_hook_handle from_hook) {
    if (hook_) {
      napi_remove_async_cleanup_hook(hook_);
      hook_ = nullptr;
    }
    if (box_) {
      box_->hook_to_remove = from_hook;
      uv_poll_stop(&box_->poll);
      uv_close(reinterpret_cast<uv_handle_t*>(&box_->poll), [](uv_handle_t* h) {
        PollBox* box = reinterpret_cast<PollBox*>(h);
        if (box->hook_to_remove) napi_remove_async_cleanup_hook(box->hook_to_remove);
        delete box;
      });
      box_ = nullptr;
    } else if (from_hook) {
      napi_remove_async_cleanup_hook(from_hook);
    }
    if (fd_ >= 0) {
      close(fd_);
      fd_ = -1;
    }
  }

  void ReleaseJs() {
    on_data_.Reset();
    on_error_.Reset();
    async_ctx_.reset();
  }

  void HandleWakeup(int status, int events) {
    busy_++;
    {
      Napi::Env env(env_);
      Napi::HandleScope scope(env);
      bool go_on = true;
      if (status < 0) go_on = HandlePollError(env, status);
      if (go_on && !closed() && (status < 0 || (events & UV_READABLE))) Drain(env);
    }
    busy_--;
    if (busy_ == 0 && release_pending_) delete this;
  }

  // libuv (unix/poll.c) reports POLLERR as UV_EBADF and stops the handle. For a netlink socket
  // POLLERR means sk_err is set (ENOBUFS after an overrun): read and clear it, report, re-arm.
  bool HandlePollError(Napi::Env env, int status) {
    int err = TakeSocketError(fd_);
    if (err < 0 || ++errors_without_data_ > kMaxErrorsWithoutData) return Fail(env);
    // Re-arm before calling JS, so a throwing onError cannot leave the socket unwatched.
    if (uv_poll_start(&box_->poll, UV_READABLE, OnPoll) != 0) return Fail(env);
    return EmitError(env, err > 0 ? ErrnoName(err) : uv_err_name(status)) && !closed();
  }

  void Drain(Napi::Env env) {
    for (int i = 0; i < kMaxDatagramsPerWakeup && !closed(); i++) {
      long len = PeekDatagramLength(fd_);
      if (len == -EAGAIN) return;
      if (len > kMaxDatagramBytes) {
        bool from_kernel = false;
        ReceiveDatagram(fd_, 1, &buf_, &from_kernel);  // consumes (truncates) the datagram
        if (!EmitError(env, "EMSGSIZE")) return;
        continue;
      }
      bool from_kernel = false;
      long n = len < 0 ? len : ReceiveDatagram(fd_, static_cast<size_t>(len), &buf_, &from_kernel);
      if (n == -EAGAIN) return;
      if (n < 0) {
        // ENOBUFS: the kernel dropped notifications; the socket itself stays usable.
        if (IsFatalErrno(static_cast<int>(-n)) || ++errors_without_data_ > kMaxErrorsWithoutData) {
          Fail(env);
          return;
        }
        if (!EmitError(env, ErrnoName(static_cast<int>(-n)))) return;
        if (n != -ENOBUFS) return;  // e.g. ENOMEM: retry on the next wakeup
        continue;
      }
      if (!from_kernel) continue;  // only the kernel speaks on rtnetlink groups
      errors_without_data_ = 0;
      if (!EmitData(env)) return;
    }
  }

  // The socket is unusable: close it, tell JS once with "ECLOSED", drop the callbacks.
  bool Fail(Napi::Env env) {
    CloseSocket(nullptr);
    EmitError(env, "ECLOSED");
    ReleaseJs();
    return false;
  }

  bool EmitData(Napi::Env env) {
    if (on_data_.IsEmpty()) return false;
    Napi::HandleScope scope(env);
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, buf_.data(), buf_.size());
    if (env.IsExceptionPending()) return ReportException(env);
    on_data_.MakeCallback(env.Global(), {data}, *async_ctx_);
    return env.IsExceptionPending() ? ReportException(env) : true;
  }

  bool EmitError(Napi::Env env, const char* code) {
    if (on_error_.IsEmpty()) return false;
    Napi::HandleScope scope(env);
    on_error_.MakeCallback(env.Global(), {Napi::String::New(env, code)}, *async_ctx_);
    return env.IsExceptionPending() ? ReportException(env) : true;
  }

  // A JS callback threw: nothing native may throw here (that is what aborts netlink@0.3.0), so
  // the error goes to process 'uncaughtException' like a throwing event listener's would.
  bool ReportException(Napi::Env env) {
    Napi::Error e = env.GetAndClearPendingException();
    napi_fatal_exception(env_, e.Value());
    return false;
  }

  napi_env env_;
  int fd_;
  PollBox* box_ = nullptr;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  Napi::FunctionReference on_data_;
  Napi::FunctionReference on_error_;
  std::unique_ptr<Napi::AsyncContext> async_ctx_;
  std::vector<uint8_t> buf_;
  int busy_ = 0;
  bool release_pending_ = false;
  int errors_without_data_ = 0;
};

Monitor* Unwrap(const Napi::CallbackInfo& info) {
  void* p = nullptr;
  if (napi_unwrap(info.Env(), info.This(), &p) != napi_ok || p == nullptr) {
    if (info.Env().IsExceptionPending()) info.Env().GetAndClearPendingException();
    Napi::TypeError::New(info.Env(), "not an nlMonitor handle").ThrowAsJavaScriptException();
    return nullptr;
  }
  return static_cast<Monitor*>(p);
}

Napi::Value JsClose(const Napi::CallbackInfo& info) {
  if (Monitor* m = Unwrap(info)) m->Close();
  return info.Env().Undefined();
}

Napi::Value JsRef(const Napi::CallbackInfo& info) {
  if (Monitor* m = Unwrap(info)) m->Ref();
  return info.Env().Undefined();
}

Napi::Value JsUnref(const Napi::CallbackInfo& info) {
  if (Monitor* m = Unwrap(info)) m->Unref();
  return info.Env().Undefined();
}

void ThrowOpenError(Napi::Env env, const char* syscall, int err) { ThrowErrno(env, "nlMonitorOpen: ", syscall, err); }

// nlMonitorOpen(groupsMask: number, rcvbufBytes: number, onData: (b: Buffer) => void,
//               onError: (code: string) => void): { close(), ref(), unref() }
Napi::Value NlMonitorOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsFunction() || !info[3].IsFunction()) {
    Napi::TypeError::New(env, "nlMonitorOpen(groupsMask: number, rcvbufBytes: number, onData: function, onError: function)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint32_t groups = info[0].As<Napi::Number>().Uint32Value();
  int rcvbuf = info[1].As<Napi::Number>().Int32Value();
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    Napi::Error::New(env, "nlMonitorOpen: no event loop").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const char* failed_call = "socket";
  int fd = OpenRouteMonitor(groups, rcvbuf < 0 ? 0 : rcvbuf, &failed_call);
  if (fd < 0) {
    ThrowOpenError(env, failed_call, -fd);
    return env.Undefined();
  }
  Monitor* m = new Monitor(env, fd, info[2].As<Napi::Function>(), info[3].As<Napi::Function>());
  int rc = m->Start(loop);
  if (rc != 0) {
    m->Close();
    delete m;
    ThrowOpenError(env, "uv_poll_start", -rc);
    return env.Undefined();
  }
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("close", Napi::Function::New(env, JsClose, "close"));
  handle.Set("ref", Napi::Function::New(env, JsRef, "ref"));
  handle.Set("unref", Napi::Function::New(env, JsUnref, "unref"));
  napi_status st = napi_wrap(env, handle, m, [](napi_env, void* data, void*) { static_cast<Monitor*>(data)->Release(); }, nullptr, nullptr);
  if (st != napi_ok) {
    m->Close();
    delete m;
    if (!env.IsExceptionPending()) Napi::Error::New(env, "nlMonitorOpen: napi_wrap failed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return handle;
}

}  // namespace

void RegisterNlMonitor(Napi::Env env, Napi::Object exports) {
  exports.Set("nlMonitorOpen", Napi::Function::New(env, NlMonitorOpen, "nlMonitorOpen"));
}

}  // namespace wf
