// N-API surface of the product addon: notify() for sd_notify, nlMonitorOpen (nl-monitor.cc) and
// icmpSocketOpen (icmp-socket.cc), tcpConnect and udpSocketOpen (the other probe methods), only what the daemon calls. The tests' datagram receiver is a separate addon (test-addon.cc).
// Failures throw an Error carrying code, errno and syscall (napi-errno.h).
#include <napi.h>

#include "icmp-socket.h"
#include "napi-errno.h"
#include "nl-monitor.h"
#include "tcp-connect.h"
#include "udp-socket.h"
#include "unix-dgram.h"

namespace {

// notify(socketPath: string, message: string): void
Napi::Value Notify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "notify(socketPath: string, message: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int rc = wf::SendDatagram(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::String>().Utf8Value());
  if (rc < 0) wf::ThrowErrno(env, "", "sendto", -rc);
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("notify", Napi::Function::New(env, Notify, "notify"));
  wf::RegisterNlMonitor(env, exports);
  wf::RegisterIcmpSocket(env, exports);
  wf::RegisterTcpConnect(env, exports);
  wf::RegisterUdpSocket(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(wan_failover_native, Init)
