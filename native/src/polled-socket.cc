#include "polled-socket.h"

#include <node_api.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "napi-errno.h"

namespace wf {

struct PollBox {
  uv_poll_t poll;
  napi_async_cleanup_hook_handle hook_to_remove = nullptr;
};

namespace {

bool IsFatalErrno(int err) { return err == EBADF || err == ENOTSOCK || err == EINVAL || err == EFAULT; }

}  // namespace

int TakeSocketError(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return -errno;
  return err;
}

PolledSocket::PolledSocket(napi_env env, const char* api, int fd, Napi::Function on_data, Napi::Function on_error)
    : env_(env), api_(api), fd_(fd), on_data_(Napi::Persistent(on_data)), on_error_(Napi::Persistent(on_error)),
      async_ctx_(new Napi::AsyncContext(env, api)) {}

int PolledSocket::Start(uv_loop_t* loop) {
  box_ = new PollBox();
  // uv_poll_init_socket is uv_poll_init on unix (libuv unix/poll.c).
  int rc = uv_poll_init_socket(loop, &box_->poll, fd_);
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

void PolledSocket::Close() {
  CloseSocket(nullptr);
  ReleaseJs();
}

void PolledSocket::Ref() {
  if (box_) uv_ref(reinterpret_cast<uv_handle_t*>(&box_->poll));
}

void PolledSocket::Unref() {
  if (box_) uv_unref(reinterpret_cast<uv_handle_t*>(&box_->poll));
}

void PolledSocket::Release() {
  Close();
  if (busy_ > 0) {
    release_pending_ = true;
  } else {
    delete this;
  }
}

bool PolledSocket::Tolerate(Napi::Env env, int err) {
  if (IsFatalErrno(err) || ++errors_without_data_ > kMaxErrorsWithoutData) return Fail(env);
  return true;
}

bool PolledSocket::CallData(Napi::Env env, std::initializer_list<napi_value> args) {
  if (on_data_.IsEmpty()) return false;
  on_data_.MakeCallback(env.Global(), args, *async_ctx_);
  return env.IsExceptionPending() ? ReportException(env) : true;
}

bool PolledSocket::EmitError(Napi::Env env, const char* code) {
  if (on_error_.IsEmpty()) return false;
  Napi::HandleScope scope(env);
  on_error_.MakeCallback(env.Global(), {Napi::String::New(env, code)}, *async_ctx_);
  return env.IsExceptionPending() ? ReportException(env) : true;
}

bool PolledSocket::ReportException(Napi::Env env) {
  Napi::Error e = env.GetAndClearPendingException();
  napi_fatal_exception(env_, e.Value());
  return false;
}

void PolledSocket::OnPoll(uv_poll_t* handle, int status, int events) {
  static_cast<PolledSocket*>(handle->data)->HandleWakeup(status, events);
}

void PolledSocket::OnEnvTeardown(napi_async_cleanup_hook_handle handle, void* arg) {
  PolledSocket* self = static_cast<PolledSocket*>(arg);
  self->hook_ = nullptr;
  self->CloseSocket(handle);
}

void PolledSocket::CloseSocket(napi_async_cleanup_hook_handle from_hook) {
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

void PolledSocket::ReleaseJs() {
  on_data_.Reset();
  on_error_.Reset();
  async_ctx_.reset();
}

void PolledSocket::HandleWakeup(int status, int events) {
  busy_++;
  {
    Napi::Env env(env_);
    Napi::HandleScope scope(env);
    bool go_on = true;
    if (status < 0) go_on = HandlePollError(env, status);
    if (go_on && !closed() && (status < 0 || (events & UV_READABLE))) {
      for (int i = 0; i < kMaxDatagramsPerWakeup && !closed(); i++) {
        if (!ReadOne(env)) break;
      }
    }
  }
  busy_--;
  if (busy_ == 0 && release_pending_) delete this;
}

bool PolledSocket::HandlePollError(Napi::Env env, int status) {
  int err = TakeSocketError(fd_);
  if (err < 0 || ++errors_without_data_ > kMaxErrorsWithoutData) return Fail(env);
  if (uv_poll_start(&box_->poll, UV_READABLE, OnPoll) != 0) return Fail(env);
  return OnSocketError(env, err, status);
}

bool PolledSocket::Fail(Napi::Env env) {
  CloseSocket(nullptr);
  EmitError(env, "ECLOSED");
  ReleaseJs();
  return false;
}

PolledSocket* UnwrapHandle(const Napi::CallbackInfo& info, const char* api) {
  void* p = nullptr;
  PolledSocket* s = nullptr;
  if (napi_unwrap(info.Env(), info.This(), &p) == napi_ok && p != nullptr) s = static_cast<PolledSocket*>(p);
  // Another addon's wrapped object, or another kind of our handles: refused, not cast.
  if (s == nullptr || std::strcmp(s->api(), api) != 0) {
    if (info.Env().IsExceptionPending()) info.Env().GetAndClearPendingException();
    Napi::TypeError::New(info.Env(), std::string("not an ") + api + " handle").ThrowAsJavaScriptException();
    return nullptr;
  }
  return s;
}

uv_loop_t* EventLoopOf(Napi::Env env, const char* api) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    Napi::Error::New(env, std::string(api) + "Open: no event loop").ThrowAsJavaScriptException();
    return nullptr;
  }
  return loop;
}

namespace {

Napi::Value JsClose(const Napi::CallbackInfo& info) {
  if (PolledSocket* s = UnwrapHandle(info, static_cast<const char*>(info.Data()))) s->Close();
  return info.Env().Undefined();
}

Napi::Value JsRef(const Napi::CallbackInfo& info) {
  if (PolledSocket* s = UnwrapHandle(info, static_cast<const char*>(info.Data()))) s->Ref();
  return info.Env().Undefined();
}

Napi::Value JsUnref(const Napi::CallbackInfo& info) {
  if (PolledSocket* s = UnwrapHandle(info, static_cast<const char*>(info.Data()))) s->Unref();
  return info.Env().Undefined();
}

}  // namespace

Napi::Value StartHandle(Napi::Env env, uv_loop_t* loop, PolledSocket* s, std::initializer_list<JsMethod> methods) {
  const std::string open = std::string(s->api()) + "Open: ";
  int rc = s->Start(loop);
  if (rc != 0) {
    s->Close();
    delete s;
    ThrowErrno(env, open.c_str(), "uv_poll_start", -rc);
    return env.Undefined();
  }
  // The api name (a string literal of the subclass) tells the common methods which handles are theirs.
  void* api = const_cast<char*>(s->api());
  Napi::Object handle = Napi::Object::New(env);
  for (const JsMethod& m : methods) handle.Set(m.name, Napi::Function::New(env, m.fn, m.name));
  handle.Set("close", Napi::Function::New(env, JsClose, "close", api));
  handle.Set("ref", Napi::Function::New(env, JsRef, "ref", api));
  handle.Set("unref", Napi::Function::New(env, JsUnref, "unref", api));
  napi_status st = napi_wrap(env, handle, s, [](napi_env, void* data, void*) { static_cast<PolledSocket*>(data)->Release(); }, nullptr, nullptr);
  if (st != napi_ok) {
    s->Close();
    delete s;
    if (!env.IsExceptionPending()) Napi::Error::New(env, open + "napi_wrap failed").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return handle;
}

}  // namespace wf
