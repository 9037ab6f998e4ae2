// Plain POSIX helpers for AF_UNIX SOCK_DGRAM, kept free of N-API so the socket logic
// reads on its own. Every function returns 0 / a value >= 0 on success, or -errno.
#pragma once
#include <string>
#include <sys/un.h>

namespace wf {

// Send one datagram to `path` ('@' prefix = abstract namespace). 0 or -errno.
int SendDatagram(const std::string& path, const std::string& message);

// Fills `addr` for `path` ('@' = abstract namespace). The socklen or -errno.
int FillAddress(const std::string& path, sockaddr_un* addr);

}  // namespace wf
