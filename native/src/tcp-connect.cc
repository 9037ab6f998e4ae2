// A TCP connect bound to one interface (SO_BINDTODEVICE), for the TCP and HTTP(S) probes of
// issue 23: a non-blocking connect() watched by a uv_poll_t for writability on Node's loop. When
// it completes, SO_ERROR says how: 0 hands the connected fd to JS (net.Socket({fd}) takes a
// connected stream fd, and HTTP and TLS run over that socket), an errno (ECONNREFUSED: an RST
// came back) closes it. Either way JS learns the time from right before connect() to the wakeup.
// abort() (the probe's timeout, the prober closing) stops the poll and closes the fd.
#include "tcp-connect.h"

#include <node_api.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <memory>
#include <string>

#include "bound-socket.h"
#include "napi-errno.h"
#include "polled-socket.h"

namespace wf {
namespace {

int64_t ElapsedNs(const timespec& from) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (static_cast<int64_t>(now.tv_sec) - from.tv_sec) * 1000000000LL + (now.tv_nsec - from.tv_nsec);
}

struct Ticket;

// One connect in flight, freed in uv_close's callback (poll.data points back at it); the JS handle
// keeps a Ticket that forgets the connect once it is over.
struct Connect {
  uv_poll_t poll;
  napi_env env = nullptr;
  int fd = -1;
  timespec started{};
  Napi::FunctionReference on_done;
  std::unique_ptr<Napi::AsyncContext> ctx;
  Ticket* ticket = nullptr;
  bool hook = false;
  // false: the caller only wants to know the connect's outcome (a TCP probe), so the fd is closed here.
  bool keep = true;

  // Stops watching and frees this object (after libuv's close); the fd is closed unless `keep_fd`.
  void Finish(bool keep_fd);
};

struct Ticket {
  Connect* live = nullptr;
};

void OnTeardown(void* arg) {
  Connect* c = static_cast<Connect*>(arg);
  c->hook = false;
  c->Finish(false);
}

void Connect::Finish(bool keep_fd) {
  if (ticket != nullptr) ticket->live = nullptr;
  ticket = nullptr;
  if (hook) napi_remove_env_cleanup_hook(env, OnTeardown, this);
  hook = false;
  if (!keep_fd && fd >= 0) close(fd);
  fd = -1;
  on_done.Reset();
  ctx.reset();
  // uv_poll_stop runs inside uv_close: the fd leaves epoll now, before JS may hand it to libuv again.
  uv_close(reinterpret_cast<uv_handle_t*>(&poll), [](uv_handle_t* h) { delete static_cast<Connect*>(h->data); });
}

void OnWritable(uv_poll_t* handle, int status, int) {
  Connect* c = static_cast<Connect*>(handle->data);
  int64_t ns = ElapsedNs(c->started);
  // POLLERR is reported as a libuv error (unix/poll.c); SO_ERROR holds the connect's outcome either way.
  int err = TakeSocketError(c->fd);
  if (err == 0 && status < 0) err = -status;
  Napi::Env env(c->env);
  Napi::HandleScope scope(env);
  Napi::FunctionReference cb = std::move(c->on_done);
  std::unique_ptr<Napi::AsyncContext> ctx = std::move(c->ctx);
  int fd = c->fd;
  bool hand_over = err == 0 && c->keep;
  if (err == 0 && !c->keep) {
    // socket(7) SO_LINGER with a zero timeout: close() sends an RST, so a probe every few hundred
    // ms leaves no TIME_WAIT socket behind on the router (as HAProxy's TCP checks do).
    linger off{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
  }
  c->Finish(hand_over);
  if (!hand_over) fd = -1;
  if (cb.IsEmpty()) return;
  napi_value code = err == 0 ? env.Null() : Napi::String::New(env, ErrnoName(err < 0 ? -err : err));
  cb.MakeCallback(env.Global(), {code, Napi::Number::New(env, fd), Napi::Number::New(env, static_cast<double>(ns))}, *ctx);
  if (env.IsExceptionPending()) {
    Napi::Error e = env.GetAndClearPendingException();
    napi_fatal_exception(env, e.Value());
  }
}

Napi::Value JsAbort(const Napi::CallbackInfo& info) {
  void* p = nullptr;
  if (napi_unwrap(info.Env(), info.This(), &p) == napi_ok && p != nullptr) {
    Ticket* t = static_cast<Ticket*>(p);
    if (t->live != nullptr) t->live->Finish(false);
  }
  return info.Env().Undefined();
}

// tcpConnect(family: 4 | 6, iface: string, dst: string, port: number,
//            onDone: (code: string | null, fd: number, elapsedNs: number) => void, keep = true): { abort() }
// keep false: a successful connect is reset and closed here, and onDone gets fd -1.
// Throws Error with code/errno/syscall when the connect cannot even start (ENETUNREACH, ...).
Napi::Value TcpConnect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsString() || !info[3].IsNumber() || !info[4].IsFunction()) {
    Napi::TypeError::New(env, "tcpConnect(family: 4 | 6, iface: string, dst: string, port: number, onDone: function)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uv_loop_t* loop = EventLoopOf(env, "tcpConnect");
  if (loop == nullptr) return env.Undefined();
  sockaddr_storage ss;
  socklen_t sl = 0;
  int fd = OpenBoundFromJs(info, SOCK_STREAM, "tcpConnect", &ss, &sl);
  if (fd < 0) return env.Undefined();
  timespec started{};
  clock_gettime(CLOCK_MONOTONIC, &started);
  int rc;
  do {
    rc = connect(fd, reinterpret_cast<sockaddr*>(&ss), sl);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    ThrowErrno(env, "tcpConnect: ", "connect", err);
    return env.Undefined();
  }
  Connect* c = new Connect();
  c->env = env;
  c->fd = fd;
  c->started = started;
  c->keep = info.Length() < 6 || !info[5].IsBoolean() || info[5].As<Napi::Boolean>().Value();
  if (uv_poll_init_socket(loop, &c->poll, fd) != 0) {
    close(fd);
    delete c;
    ThrowErrno(env, "tcpConnect: ", "uv_poll_init", EIO);
    return env.Undefined();
  }
  c->poll.data = c;
  // Writable once the handshake ends (connect(2): EINPROGRESS, then poll for POLLOUT; SO_ERROR says how).
  int prc = uv_poll_start(&c->poll, UV_WRITABLE, OnWritable);
  if (prc != 0) {
    c->Finish(false);
    ThrowErrno(env, "tcpConnect: ", "uv_poll_start", -prc);
    return env.Undefined();
  }
  c->on_done = Napi::Persistent(info[4].As<Napi::Function>());
  c->ctx.reset(new Napi::AsyncContext(env, "tcpConnect"));
  c->hook = napi_add_env_cleanup_hook(env, OnTeardown, c) == napi_ok;
  Ticket* t = new Ticket();
  t->live = c;
  c->ticket = t;
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("abort", Napi::Function::New(env, JsAbort, "abort"));
  // A handle dropped by JS while its connect is pending aborts it: nothing outlives its owner.
  napi_wrap(env, handle, t, [](napi_env, void* data, void*) {
    Ticket* tk = static_cast<Ticket*>(data);
    if (tk->live != nullptr) tk->live->Finish(false);
    delete tk;
  }, nullptr, nullptr);
  return handle;
}

}  // namespace

void RegisterTcpConnect(Napi::Env env, Napi::Object exports) {
  exports.Set("tcpConnect", Napi::Function::New(env, TcpConnect, "tcpConnect"));
}

}  // namespace wf
