// Plain POSIX helpers for the TCP and UDP probe sockets (issue 23): a non-blocking socket pinned
// to one interface, and a numeric address with a port as a sockaddr. Node's net and dgram cannot
// bind to a device (SO_BINDTODEVICE), and a standby link's probes must leave through the standby;
// so the addon opens these sockets, as it does the raw ICMP one. Functions return >= 0 or -errno.
#pragma once
#include <napi.h>
#include <sys/socket.h>

#include <string>

namespace wf {

// socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) bound to `iface` with SO_BINDTODEVICE.
// The fd or -errno (*failed_call names the syscall).
int OpenBoundSocket(int family, int type, const std::string& iface, const char** failed_call);

// `dst` (numeric, of `family`) and `port` as a sockaddr; false when `dst` is not such an address.
bool ToSockaddr(int family, const std::string& dst, int port, sockaddr_storage* ss, socklen_t* len);

// The JS side shared by tcpConnect and udpSocketOpen, whose first arguments are (family: 4 | 6,
// iface, dst, port): checks them, fills *ss/*len with dst:port and opens a socket of `type` bound
// to iface. The fd, or -1 with a TypeError or errno Error ("<api>: <syscall> failed") pending.
int OpenBoundFromJs(const Napi::CallbackInfo& info, int type, const char* api, sockaddr_storage* ss, socklen_t* len);

}  // namespace wf
