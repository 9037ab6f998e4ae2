// AF_UNIX datagram sockets: the sd_notify sender (the tests' receiver is test-dgram.cc).
// One fresh socket per notification, like libsystemd, so no state survives a failure.
#include "unix-dgram.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace wf {

// Fills `addr` for `path`; '@' means Linux abstract namespace (leading NUL byte,
// length counts exactly the name, no terminator). Returns the socklen or -errno.
int FillAddress(const std::string& path, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  if (path.empty()) return -EINVAL;
  const size_t cap = sizeof(addr->sun_path);
  if (path[0] == '@') {
    if (path.size() > cap) return -ENAMETOOLONG;  // NUL + name must fit
    std::memcpy(addr->sun_path + 1, path.data() + 1, path.size() - 1);
    return static_cast<int>(offsetof(sockaddr_un, sun_path) + path.size());
  }
  if (path.find('\0') != std::string::npos) return -EINVAL;
  if (path.size() >= cap) return -ENAMETOOLONG;  // keep room for the terminator
  std::memcpy(addr->sun_path, path.data(), path.size());
  return static_cast<int>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
}

namespace {

int OpenSocket() {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  return fd < 0 ? -errno : fd;
}

}  // namespace

int SendDatagram(const std::string& path, const std::string& message) {
  sockaddr_un addr;
  int len = FillAddress(path, &addr);
  if (len < 0) return len;
  int fd = OpenSocket();
  if (fd < 0) return fd;
  ssize_t n;
  do {
    n = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
               reinterpret_cast<sockaddr*>(&addr), static_cast<socklen_t>(len));
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  close(fd);
  return -err;
}

}  // namespace wf
