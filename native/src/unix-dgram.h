// Plain POSIX helpers for AF_UNIX SOCK_DGRAM, kept free of N-API so the socket logic
// reads on its own. Every function returns 0 / a value >= 0 on success, or -errno.
#pragma once
#include <string>

namespace wf {

// Send one datagram to `path` ('@' prefix = abstract namespace). 0 or -errno.
int SendDatagram(const std::string& path, const std::string& message);

// Bind a datagram socket to `path` (test helper). fd or -errno.
int BindDatagram(const std::string& path);

// Wait up to timeout_ms for one datagram on fd. 1 = got one, 0 = timeout, -errno.
int ReceiveDatagram(int fd, int timeout_ms, std::string* out);

// Symbolic name of an errno value ("ENOENT"), "EUNKNOWN" when not in our table.
const char* ErrnoName(int err);

}  // namespace wf
