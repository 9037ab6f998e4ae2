// Plain POSIX helpers for the TCP and UDP probe sockets (issue 23): a non-blocking socket pinned
// to one interface, and a numeric address with a port as a sockaddr. Node's net and dgram cannot
// bind to a device (SO_BINDTODEVICE), and a standby link's probes must leave through the standby;
// so the addon opens these sockets, as it does the raw ICMP one. Functions return >= 0 or -errno.
#pragma once
#include <sys/socket.h>

#include <string>

namespace wf {

// socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) bound to `iface` with SO_BINDTODEVICE.
// The fd or -errno (*failed_call names the syscall).
int OpenBoundSocket(int family, int type, const std::string& iface, const char** failed_call);

// `dst` (numeric, of `family`) and `port` as a sockaddr; false when `dst` is not such an address.
bool ToSockaddr(int family, const std::string& dst, int port, sockaddr_storage* ss, socklen_t* len);

}  // namespace wf
