// The probe socket's system calls. Why our own instead of npm raw-socket: raw-socket hides its
// fd and reads with recvfrom(), so the kernel's receive timestamp (a control message) is out of
// reach and an RTT can only be stamped when JS runs, ~1 ms late on a busy loop.
#include "icmp-raw.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wf {

namespace {

// An ICMP message never exceeds the IP maximum; a bigger buffer would only waste memory.
constexpr size_t kMaxDatagram = 65535;

}  // namespace

int OpenIcmp(int family, const std::string& iface, IcmpEndpoint* out, const char** failed_call) {
  *failed_call = "socket";
  if (family != AF_INET && family != AF_INET6) return -EAFNOSUPPORT;
  // if.h: IFNAMSIZ counts the NUL.
  if (iface.empty() || iface.size() >= IFNAMSIZ) return -EINVAL;
  int proto = family == AF_INET ? static_cast<int>(IPPROTO_ICMP) : static_cast<int>(IPPROTO_ICMPV6);
  int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return -errno;
  auto fail = [&](const char* call) {
    int err = errno;
    *failed_call = call;
    close(fd);
    return -err;
  };
  // socket(7): SO_BINDTODEVICE pins sends and receives to the interface whatever the routes say.
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(), static_cast<socklen_t>(iface.size() + 1)) < 0) {
    return fail("setsockopt");
  }
  // socket(7): SO_TIMESTAMPNS makes recvmsg() carry SCM_TIMESTAMPNS, the time the kernel took
  // the packet in (net/core/dev.c net_timestamp_check(): ktime_get_real(), i.e. CLOCK_REALTIME),
  // before the softirq, the socket queue and the event loop. ping(8) uses the same stamp.
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0) return fail("setsockopt");
  unsigned ifindex = if_nametoindex(iface.c_str());
  // A missing interface is not fatal here: SO_BINDTODEVICE already accepted the name, and the
  // index only scopes IPv6 link-local destinations.
  out->fd = fd;
  out->family = family;
  out->ifindex = ifindex;
  return 0;
}

long SendIcmp(const IcmpEndpoint& ep, const uint8_t* data, size_t len, const std::string& dst, timespec* sent_at) {
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof(ss));
  socklen_t sl = 0;
  if (ep.family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    if (inet_pton(AF_INET, dst.c_str(), &sin->sin_addr) != 1) return -EINVAL;
    sl = sizeof(*sin);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, dst.c_str(), &sin6->sin6_addr) != 1) return -EINVAL;
    // ipv6(7): a link-local destination needs its scope; it is the interface we are bound to.
    if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr)) sin6->sin6_scope_id = ep.ifindex;
    sl = sizeof(*sin6);
  }
  // raw(7) / RFC 3542 3.1: for IPPROTO_ICMPV6 the kernel fills in the checksum itself.
  ssize_t n;
  do {
    // ping(8) stamps its echoes the same way: the clock read right before the send call.
    clock_gettime(CLOCK_MONOTONIC, sent_at);
    n = sendto(ep.fd, data, len, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), sl);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
  return static_cast<long>(n);
}

long ReceiveIcmp(const IcmpEndpoint& ep, IcmpDatagram* out) {
  out->data.resize(kMaxDatagram);
  sockaddr_storage ss;
  // Room for SCM_TIMESTAMPNS and whatever else the kernel might add; unknown ones are skipped.
  alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(timespec)) + 256];
  iovec iov{out->data.data(), out->data.size()};
  msghdr msg;
  ssize_t n;
  do {
    std::memset(&msg, 0, sizeof(msg));
    std::memset(&ss, 0, sizeof(ss));
    msg.msg_name = &ss;
    msg.msg_namelen = sizeof(ss);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    n = recvmsg(ep.fd, &msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    out->data.clear();
    return errno == EWOULDBLOCK ? -EAGAIN : -errno;
  }
  out->data.resize(static_cast<size_t>(n));
  char text[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, text, sizeof(text));
  } else if (ss.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, text, sizeof(text));
  }
  out->src = text;
  out->stamped = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
      std::memcpy(&out->rx, CMSG_DATA(c), sizeof(timespec));
      out->stamped = true;
    }
  }
  return static_cast<long>(n);
}

int64_t ReceiveAgeNs(const IcmpDatagram& d) {
  if (!d.stamped) return -1;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  int64_t age = (static_cast<int64_t>(now.tv_sec) - d.rx.tv_sec) * 1000000000LL + (now.tv_nsec - d.rx.tv_nsec);
  // A wall-clock step back in the microseconds between the two reads: the packet is "now".
  return age < 0 ? 0 : age;
}

}  // namespace wf
