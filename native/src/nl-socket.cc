// The rtnetlink notification socket: open, bind to multicast groups, peek and receive one
// datagram at a time. The N-API/libuv side lives in nl-monitor.cc.
#include "nl-socket.h"

#include <cerrno>
#include <cstring>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wf {

int OpenRouteMonitor(uint32_t groups, int rcvbuf_bytes, const char** failed_call) {
  *failed_call = "socket";
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  if (rcvbuf_bytes > 0) {
    // socket(7): SO_RCVBUFFORCE (CAP_NET_ADMIN) may exceed rmem_max; unprivileged callers get
    // EPERM and fall back to SO_RCVBUF, which the kernel silently caps at rmem_max.
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof(rcvbuf_bytes)) < 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof(rcvbuf_bytes)) < 0) {
      int err = errno;
      *failed_call = "setsockopt";
      close(fd);
      return -err;
    }
  }
  sockaddr_nl addr;
  std::memset(&addr, 0, sizeof(addr));
  addr.nl_family = AF_NETLINK;
  addr.nl_pid = 0;  // netlink(7): 0 lets the kernel assign a unique port id
  addr.nl_groups = groups;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    int err = errno;
    *failed_call = "bind";
    close(fd);
    return -err;
  }
  return fd;
}

long PeekDatagramLength(int fd) {
  ssize_t n;
  do {
    // MSG_TRUNC with MSG_PEEK reports the datagram's real length without consuming it.
    n = recv(fd, nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
  return static_cast<long>(n);
}

long ReceiveDatagram(int fd, size_t len, std::vector<uint8_t>* buf, bool* from_kernel) {
  buf->resize(len == 0 ? 1 : len);
  sockaddr_nl src;
  ssize_t n;
  do {
    socklen_t src_len = sizeof(src);
    std::memset(&src, 0, sizeof(src));
    n = recvfrom(fd, buf->data(), buf->size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&src), &src_len);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buf->clear();
    return errno == EWOULDBLOCK ? -EAGAIN : -errno;
  }
  buf->resize(static_cast<size_t>(n) < buf->size() ? static_cast<size_t>(n) : buf->size());
  // netlink(7): kernel notifications carry nl_pid 0; anything else was sent by a process.
  *from_kernel = src.nl_pid == 0;
  return static_cast<long>(n);
}

}  // namespace wf
