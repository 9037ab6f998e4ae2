// The probe socket on the Node event loop: a uv_poll_t watches the raw ICMP socket; every
// datagram goes to JS with its source and the age of the kernel's receive stamp.
//
// Why an age and not a time: the kernel stamps on CLOCK_REALTIME (icmp-raw.cc), the daemon
// times probes on a monotonic clock (src/clock.ts). Measuring "how long ago did the kernel take
// this packet in" on CLOCK_REALTIME right before handing it to JS, and subtracting that from the
// monotonic clock in JS, puts the stamp on the daemon's clock; a wall-clock step (NTP, the
// operator) can only skew it if it lands in the few microseconds between the two reads.
#include "icmp-socket.h"

#include <node_api.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "icmp-raw.h"
#include "napi-errno.h"

namespace wf {
namespace {

// Bounded work per wakeup: a flood of ICMP cannot starve the loop; the poll is level-triggered.
constexpr int kMaxDatagramsPerWakeup = 64;
// Errors in a row with no datagram delivered in between: past this the socket counts as dead.
constexpr int kMaxErrorsWithoutData = 1000;

bool IsFatalErrno(int err) { return err == EBADF || err == ENOTSOCK || err == EINVAL || err == EFAULT; }

// uv_close completes asynchronously, possibly after the socket object is gone: the handle frees
// itself in its close callback.
struct PollBox {
  uv_poll_t poll;
  napi_async_cleanup_hook_handle hook_to_remove = nullptr;
};

class IcmpSocket {
 public:
  IcmpSocket(napi_env env, IcmpEndpoint ep, Napi::Function on_message, Napi::Function on_error)
      : env_(env), ep_(ep), on_message_(Napi::Persistent(on_message)), on_error_(Napi::Persistent(on_error)),
        async_ctx_(new Napi::AsyncContext(env, "WanFailoverIcmpSocket")) {}

  int Start(uv_loop_t* loop) {
    box_ = new PollBox();
    int rc = uv_poll_init_socket(loop, &box_->poll, ep_.fd);
    if (rc != 0) {
      delete box_;
      box_ = nullptr;
      return rc;
    }
    box_->poll.data = this;
    rc = uv_poll_start(&box_->poll, UV_READABLE, OnPoll);
    if (rc == 0) napi_add_async_cleanup_hook(env_, OnEnvTeardown, this, &hook_);
    return rc;
  }

  bool closed() const { return ep_.fd < 0; }

  // Bytes sent or -errno (-EBADF once closed); *sent_at: CLOCK_MONOTONIC right before sendto().
  long Send(const uint8_t* data, size_t len, const std::string& dst, timespec* sent_at) {
    if (closed()) return -EBADF;
    return SendIcmp(ep_, data, len, dst, sent_at);
  }

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
    static_cast<IcmpSocket*>(handle->data)->HandleWakeup(status, events);
  }

  static void OnEnvTeardown(napi_async_cleanup_hook_handle handle, void* arg) {
    IcmpSocket* self = static_cast<IcmpSocket*>(arg);
    self->hook_ = nullptr;
    self->CloseSocket(handle);
  }

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
    if (ep_.fd >= 0) {
      close(ep_.fd);
      ep_.fd = -1;
    }
  }

  void ReleaseJs() {
    on_message_.Reset();
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

  // libuv (unix/poll.c) reports POLLERR as UV_EBADF and stops the handle. On a raw socket it means
  // sk_err was set, e.g. by an ICMP error for an earlier send (net/ipv4/raw.c raw_err()): read and
  // clear it, re-arm. Not reported to JS: the ICMP error itself arrives as a datagram.
  bool HandlePollError(Napi::Env env, int status) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(ep_.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || ++errors_without_data_ > kMaxErrorsWithoutData) {
      return Fail(env);
    }
    if (uv_poll_start(&box_->poll, UV_READABLE, OnPoll) != 0) return Fail(env);
    (void)status;
    return true;
  }

  void Drain(Napi::Env env) {
    for (int i = 0; i < kMaxDatagramsPerWakeup && !closed(); i++) {
      long n = ReceiveIcmp(ep_, &dgram_);
      if (n == -EAGAIN) return;
      if (n < 0) {
        int err = static_cast<int>(-n);
        if (IsFatalErrno(err) || ++errors_without_data_ > kMaxErrorsWithoutData) {
          Fail(env);
          return;
        }
        // A pending socket error (an ICMP error for an earlier send) is returned once and
        // cleared by recvmsg (net/core/sock.c sock_error()); the queue behind it is intact.
        continue;
      }
      errors_without_data_ = 0;
      if (!EmitMessage(env)) return;
    }
  }

  bool Fail(Napi::Env env) {
    CloseSocket(nullptr);
    EmitError(env, "ECLOSED");
    ReleaseJs();
    return false;
  }

  bool EmitMessage(Napi::Env env) {
    if (on_message_.IsEmpty()) return false;
    Napi::HandleScope scope(env);
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, dgram_.data.data(), dgram_.data.size());
    if (env.IsExceptionPending()) return ReportException(env);
    Napi::String src = Napi::String::New(env, dgram_.src);
    // Last thing before the call, so the age is as fresh as possible when JS reads its clock.
    int64_t age = ReceiveAgeNs(dgram_);
    on_message_.MakeCallback(env.Global(), {data, src, Napi::Number::New(env, static_cast<double>(age))}, *async_ctx_);
    return env.IsExceptionPending() ? ReportException(env) : true;
  }

  bool EmitError(Napi::Env env, const char* code) {
    if (on_error_.IsEmpty()) return false;
    Napi::HandleScope scope(env);
    on_error_.MakeCallback(env.Global(), {Napi::String::New(env, code)}, *async_ctx_);
    return env.IsExceptionPending() ? ReportException(env) : true;
  }

  // A JS callback threw: it goes to 'uncaughtException', as a throwing event listener's would.
  bool ReportException(Napi::Env env) {
    Napi::Error e = env.GetAndClearPendingException();
    napi_fatal_exception(env_, e.Value());
    return false;
  }

  napi_env env_;
  IcmpEndpoint ep_;
  PollBox* box_ = nullptr;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  Napi::FunctionReference on_message_;
  Napi::FunctionReference on_error_;
  std::unique_ptr<Napi::AsyncContext> async_ctx_;
  IcmpDatagram dgram_;
  int busy_ = 0;
  bool release_pending_ = false;
  int errors_without_data_ = 0;
};

IcmpSocket* Unwrap(const Napi::CallbackInfo& info) {
  void* p = nullptr;
  if (napi_unwrap(info.Env(), info.This(), &p) != napi_ok || p == nullptr) {
    if (info.Env().IsExceptionPending()) info.Env().GetAndClearPendingException();
    Napi::TypeError::New(info.Env(), "not an icmpSocket handle").ThrowAsJavaScriptException();
    return nullptr;
  }
  return static_cast<IcmpSocket*>(p);
}

// send(icmp: Buffer, dst: string): number -- ns from entering send() to the moment right before
// sendto(). JS adds it to its clock read just before the call: the only gap left (JS clock read to
// entry) can make the stamp early, never late, so a preempted thread inflates an RTT a little
// instead of making it negative. Throws Error with code/errno/syscall.
Napi::Value JsSend(const Napi::CallbackInfo& info) {
  timespec entry{};
  clock_gettime(CLOCK_MONOTONIC, &entry);
  Napi::Env env = info.Env();
  IcmpSocket* s = Unwrap(info);
  if (s == nullptr) return env.Undefined();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsString()) {
    Napi::TypeError::New(env, "send(icmp: Buffer, dst: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  std::string dst = info[1].As<Napi::String>().Utf8Value();
  timespec sent_at{};
  long n = s->Send(buf.Data(), buf.Length(), dst, &sent_at);
  if (n < 0) {
    ThrowErrno(env, "icmpSocket: ", "sendto", static_cast<int>(-n));
    return env.Undefined();
  }
  int64_t to_send = (static_cast<int64_t>(sent_at.tv_sec) - entry.tv_sec) * 1000000000LL + (sent_at.tv_nsec - entry.tv_nsec);
  return Napi::Number::New(env, static_cast<double>(to_send < 0 ? 0 : to_send));
}

Napi::Value JsClose(const Napi::CallbackInfo& info) {
  if (IcmpSocket* s = Unwrap(info)) s->Close();
  return info.Env().Undefined();
}

Napi::Value JsRef(const Napi::CallbackInfo& info) {
  if (IcmpSocket* s = Unwrap(info)) s->Ref();
  return info.Env().Undefined();
}

Napi::Value JsUnref(const Napi::CallbackInfo& info) {
  if (IcmpSocket* s = Unwrap(info)) s->Unref();
  return info.Env().Undefined();
}

// icmpSocketOpen(family: 4 | 6, iface: string, onMessage: (buf, src, ageNs) => void,
//                onError: (code: string) => void): { send, close, ref, unref }
Napi::Value IcmpSocketOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsFunction() || !info[3].IsFunction()) {
    Napi::TypeError::New(env, "icmpSocketOpen(family: 4 | 6, iface: string, onMessage: function, onError: function)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fam = info[0].As<Napi::Number>().Int32Value();
  int family = fam == 4 ? AF_INET : fam == 6 ? AF_INET6 : -1;
  if (family < 0) {
    Napi::TypeError::New(env, "icmpSocketOpen: family must be 4 or 6").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    Napi::Error::New(env, "icmpSocketOpen: no event loop").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  IcmpEndpoint ep;
  const char* failed_call = "socket";
  int rc = OpenIcmp(family, info[1].As<Napi::String>().Utf8Value(), &ep, &failed_call);
  if (rc < 0) {
    ThrowErrno(env, "icmpSocketOpen: ", failed_call, -rc);
    return env.Undefined();
  }
  IcmpSocket* s = new IcmpSocket(env, ep, info[2].As<Napi::Function>(), info[3].As<Napi::Function>());
  rc = s->Start(loop);
  if (rc != 0) {
    s->Close();
    delete s;
    ThrowErrno(env, "icmpSocketOpen: ", "uv_poll_start", -rc);
    return env.Undefined();
  }
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("send", Napi::Function::New(env, JsSend, "send"));
  handle.Set("close", Napi::Function::New(env, JsClose, "close"));
  handle.Set("ref", Napi::Function::New(env, JsRef, "ref"));
  handle.Set("unref", Napi::Function::New(env, JsUnref, "unref"));
  napi_status st = napi_wrap(env, handle, s, [](napi_env, void* data, void*) { static_cast<IcmpSocket*>(data)->Release(); }, nullptr, nullptr);
  if (st != napi_ok) {
    s->Close();
    delete s;
    if (!env.IsExceptionPending()) Napi::Error::New(env, "icmpSocketOpen: napi_wrap failed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return handle;
}

}  // namespace

void RegisterIcmpSocket(Napi::Env env, Napi::Object exports) {
  exports.Set("icmpSocketOpen", Napi::Function::New(env, IcmpSocketOpen, "icmpSocketOpen"));
}

}  // namespace wf
