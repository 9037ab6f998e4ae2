#pragma once
#include <napi.h>

namespace wf {

// Adds tcpConnect(family, iface, dst, port, onDone) to the addon's exports (tcp-connect.cc).
void RegisterTcpConnect(Napi::Env env, Napi::Object exports);

}  // namespace wf
