// Plain POSIX helpers for the rtnetlink notification socket, kept free of N-API and libuv
// so the socket logic reads on its own. Every function returns a value >= 0 or -errno.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wf {

// socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC|SOCK_NONBLOCK, NETLINK_ROUTE) bound to the legacy
// RTMGRP_* bit mask `groups`, with a receive buffer of `rcvbuf_bytes` (0 = kernel default).
// fd or -errno; on failure *failed_call names the syscall that failed.
int OpenRouteMonitor(uint32_t groups, int rcvbuf_bytes, const char** failed_call);

// Length of the next queued datagram without consuming it; -EAGAIN when the queue is empty,
// -ENOBUFS (once, then cleared) when the kernel dropped notifications for this socket.
long PeekDatagramLength(int fd);

// Consumes the next datagram into `buf` (resized to what arrived). Sets *from_kernel when the
// sender's port id is 0. Bytes received or -errno.
long ReceiveDatagram(int fd, size_t len, std::vector<uint8_t>* buf, bool* from_kernel);

}  // namespace wf
