// N-API surface of the probe socket (icmp-raw.cc) polled on Node's own event loop.
#pragma once
#include <napi.h>

namespace wf {

// Adds icmpSocketOpen(family, iface, onMessage, onError) -> { send(), close(), ref(), unref() }.
void RegisterIcmpSocket(Napi::Env env, Napi::Object exports);

}  // namespace wf
