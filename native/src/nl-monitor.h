// N-API surface of the rtnetlink notification monitor: a netlink socket polled on the
// Node event loop that hands each datagram to JS and reports socket errors without throwing.
#pragma once
#include <napi.h>

namespace wf {

// Adds nlMonitorOpen(groupsMask, rcvbufBytes, onData, onError) -> { close(), ref(), unref() }.
void RegisterNlMonitor(Napi::Env env, Napi::Object exports);

}  // namespace wf
