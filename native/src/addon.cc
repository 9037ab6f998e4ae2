// N-API surface of the addon: notify() for sd_notify, plus bindDgram/recvDgram/closeFd
// so tests can be the receiving peer, and nlMonitorOpen (nl-monitor.cc). Failures throw an
// Error carrying code and errno.
#include <napi.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "nl-monitor.h"
#include "unix-dgram.h"

namespace {

void ThrowErrno(Napi::Env env, const char* op, int err) {
  std::string msg = std::string(op) + " failed: " + wf::ErrnoName(err) + " (" + std::strerror(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, wf::ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, op));
  e.ThrowAsJavaScriptException();
}

bool RequireArgs(const Napi::CallbackInfo& info, size_t count, const char* usage) {
  if (info.Length() < count) {
    Napi::TypeError::New(info.Env(), usage).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// notify(socketPath: string, message: string): void
Napi::Value Notify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireArgs(info, 2, "notify(socketPath: string, message: string)")) return env.Undefined();
  if (!info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "notify: both arguments must be strings").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int rc = wf::SendDatagram(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value());
  if (rc < 0) ThrowErrno(env, "sendto", -rc);
  return env.Undefined();
}

// bindDgram(socketPath: string): number (fd)
Napi::Value BindDgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireArgs(info, 1, "bindDgram(socketPath: string)") || !info[0].IsString()) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "bindDgram: path must be a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = wf::BindDatagram(info[0].As<Napi::String>().Utf8Value());
  if (fd < 0) {
    ThrowErrno(env, "bind", -fd);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

// recvDgram(fd: number, timeoutMs: number): string | null (null on timeout)
Napi::Value RecvDgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RequireArgs(info, 2, "recvDgram(fd: number, timeoutMs: number)")) return env.Undefined();
  if (!info[0].IsNumber() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "recvDgram: fd and timeoutMs must be numbers").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string out;
  int rc = wf::ReceiveDatagram(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(), &out);
  if (rc < 0) {
    ThrowErrno(env, "recv", -rc);
    return env.Undefined();
  }
  if (rc == 0) return env.Null();
  return Napi::String::New(env, out);
}

// closeFd(fd: number): void
Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "closeFd(fd: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  close(info[0].As<Napi::Number>().Int32Value());
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("notify", Napi::Function::New(env, Notify, "notify"));
  exports.Set("bindDgram", Napi::Function::New(env, BindDgram, "bindDgram"));
  exports.Set("recvDgram", Napi::Function::New(env, RecvDgram, "recvDgram"));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
  wf::RegisterNlMonitor(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(wan_failover_native, Init)
