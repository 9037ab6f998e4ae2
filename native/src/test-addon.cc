// TEST-ONLY addon (binding.gyp target wan_failover_test, built as wan_failover_test.test-node, never
// installed): the receiving end of a unix datagram socket, so tests can check what sd_notify sent.
// Kept out of the product addon: a blocking receive and an fd closer have no place in a daemon.
// Bounds: recvDgram waits at most kMaxWaitMs; closeFd closes only sockets bindDgram opened.
#include <napi.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <string>

#include "napi-errno.h"
#include "unix-dgram.h"

namespace {

constexpr int kMaxWaitMs = 10000;
std::set<int> g_bound;  // fds bindDgram returned and closeFd has not closed yet

// bindDgram(socketPath: string): number (fd)
Napi::Value BindDgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "bindDgram(socketPath: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  sockaddr_un addr;
  int len = wf::FillAddress(info[0].As<Napi::String>().Utf8Value(), &addr);
  if (len < 0) {
    wf::ThrowErrno(env, "", "bind", -len);
    return env.Undefined();
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    wf::ThrowErrno(env, "", "socket", errno);
    return env.Undefined();
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), static_cast<socklen_t>(len)) < 0) {
    int err = errno;
    close(fd);
    wf::ThrowErrno(env, "", "bind", err);
    return env.Undefined();
  }
  g_bound.insert(fd);
  return Napi::Number::New(env, fd);
}

// recvDgram(fd: number, timeoutMs: number): string | null (null on timeout). Blocks the thread
// for at most min(timeoutMs, kMaxWaitMs): acceptable in a test, never in the daemon.
Napi::Value RecvDgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "recvDgram(fd: number, timeoutMs: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (g_bound.count(fd) == 0) {
    Napi::TypeError::New(env, "recvDgram: fd was not opened by bindDgram").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int timeout = info[1].As<Napi::Number>().Int32Value();
  if (timeout < 0 || timeout > kMaxWaitMs) timeout = kMaxWaitMs;
  pollfd pfd{fd, POLLIN, 0};
  int r;
  do {
    r = poll(&pfd, 1, timeout);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    wf::ThrowErrno(env, "", "poll", errno);
    return env.Undefined();
  }
  if (r == 0) return env.Null();
  char buf[4096];
  ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
  if (n < 0) {
    wf::ThrowErrno(env, "", "recv", errno);
    return env.Undefined();
  }
  return Napi::String::New(env, std::string(buf, static_cast<size_t>(n)));
}

// closeFd(fd: number): void; only an fd bindDgram returned (anything else: TypeError).
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "closeFd(fd: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (g_bound.erase(fd) == 0) {
    Napi::TypeError::New(env, "closeFd: fd was not opened by bindDgram").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  close(fd);
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("bindDgram", Napi::Function::New(env, BindDgram, "bindDgram"));
  exports.Set("recvDgram", Napi::Function::New(env, RecvDgram, "recvDgram"));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
  return exports;
}

}  // namespace

NODE_API_MODULE(wan_failover_test, Init)
