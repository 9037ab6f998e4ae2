#pragma once
#include <napi.h>

namespace wf {

// Adds udpSocketOpen(family, iface, dst, port, onMessage, onError) to the addon's exports (udp-socket.cc).
void RegisterUdpSocket(Napi::Env env, Napi::Object exports);

}  // namespace wf
