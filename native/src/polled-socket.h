// A non-blocking socket watched by a uv_poll_t on Node's own event loop, handing what it reads to
// JS callbacks: what the rtnetlink monitor (nl-monitor.cc) and the probe socket (icmp-socket.cc)
// share. It owns the fd and the poll handle, bounds the work per wakeup, re-arms after POLLERR,
// gives up on a socket that only errs, closes on env teardown, reports a throwing callback as an
// uncaught exception (never throws into libuv), and outlives a GC of its JS handle that happens
// inside one of its own callbacks. The subclasses read the datagrams and say what they mean.
#pragma once
#include <napi.h>
#include <uv.h>

#include <initializer_list>
#include <memory>

namespace wf {

// Reads and clears the socket's pending error (SO_ERROR): 0 = none, > 0 = errno, < 0 = the
// getsockopt itself failed (the fd is unusable).
int TakeSocketError(int fd);

// The poll handle lives apart from its socket: uv_close completes asynchronously, possibly after
// the socket is gone, so the handle frees itself in its close callback.
struct PollBox;

class PolledSocket {
 public:
  // Bounded work per wakeup, so a flood (a notification storm, ICMP) cannot starve the rest of
  // the loop; the poll is level-triggered, so what is left is picked up on the next iteration.
  static constexpr int kMaxDatagramsPerWakeup = 64;
  // Errors in a row with no datagram delivered in between: past this the socket counts as dead.
  static constexpr int kMaxErrorsWithoutData = 1000;

  // `api` names the JS constructor ("nlMonitor"): handles are checked against it.
  PolledSocket(napi_env env, const char* api, int fd, Napi::Function on_data, Napi::Function on_error);
  virtual ~PolledSocket() = default;
  PolledSocket(const PolledSocket&) = delete;
  PolledSocket& operator=(const PolledSocket&) = delete;

  // 0 or a libuv error; on error the caller still closes (Close()) and deletes the socket.
  int Start(uv_loop_t* loop);
  const char* api() const { return api_; }
  bool closed() const { return fd_ < 0; }
  void Close();
  void Ref();
  void Unref();
  // GC finalizer of the JS handle: close, and free now unless a wakeup is still on the stack.
  void Release();

 protected:
  int fd() const { return fd_; }
  // Reads one datagram; false ends this wakeup's reading (queue empty, socket failed, JS threw).
  virtual bool ReadOne(Napi::Env env) = 0;
  // After POLLERR, with the errno SO_ERROR held (0: none) and the poll re-armed: false stops this wakeup.
  virtual bool OnSocketError(Napi::Env env, int err, int status) = 0;

  // A read failed with `err`: false (and the socket closed, "ECLOSED" reported) when the errno says
  // the fd is unusable or errors keep coming without data; true when the socket goes on.
  bool Tolerate(Napi::Env env, int err);
  void DataDelivered() { errors_without_data_ = 0; }
  // onData(...args) / onError(code); false when the callback is gone or threw.
  bool CallData(Napi::Env env, std::initializer_list<napi_value> args);
  bool EmitError(Napi::Env env, const char* code);
  // A JS exception is pending: it goes to process 'uncaughtException', as a throwing event
  // listener's would (nothing native may throw here: that is what aborts netlink@0.3.0).
  bool ReportException(Napi::Env env);

 private:
  static void OnPoll(uv_poll_t* handle, int status, int events);
  // Env teardown (worker exit, process exit): the socket must not outlive its environment.
  static void OnEnvTeardown(napi_async_cleanup_hook_handle handle, void* arg);
  // Stops the poll and closes the fd; idempotent. `from_hook` is set when the teardown hook
  // runs: that hook must be removed only once the handle is fully closed.
  void CloseSocket(napi_async_cleanup_hook_handle from_hook);
  void ReleaseJs();
  void HandleWakeup(int status, int events);
  // libuv (unix/poll.c) reports POLLERR as UV_EBADF and stops the handle: take SO_ERROR, re-arm
  // (before calling JS, so a throwing callback cannot leave the socket unwatched), tell the subclass.
  bool HandlePollError(Napi::Env env, int status);
  // The socket is unusable: close it, tell JS once with "ECLOSED", drop the callbacks.
  bool Fail(Napi::Env env);

  napi_env env_;
  const char* api_;
  int fd_;
  PollBox* box_ = nullptr;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  Napi::FunctionReference on_data_;
  Napi::FunctionReference on_error_;
  std::unique_ptr<Napi::AsyncContext> async_ctx_;
  int busy_ = 0;
  bool release_pending_ = false;
  int errors_without_data_ = 0;
};

// The JS side: a handle object { close(), ref(), unref(), ...methods } wrapping a PolledSocket,
// released by the handle's GC finalizer.
struct JsMethod {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};

// The socket behind `this` if it is a handle of `api`; else nullptr with a TypeError pending.
PolledSocket* UnwrapHandle(const Napi::CallbackInfo& info, const char* api);

// Node's loop; nullptr with an Error pending ("<api>Open: no event loop") when there is none.
uv_loop_t* EventLoopOf(Napi::Env env, const char* api);

// Starts `s` on `loop` and returns its handle. On failure `s` is closed and deleted, an Error is
// pending ("<api>Open: uv_poll_start failed: ..." with code/errno/syscall) and undefined returned.
Napi::Value StartHandle(Napi::Env env, uv_loop_t* loop, PolledSocket* s, std::initializer_list<JsMethod> methods);

}  // namespace wf
