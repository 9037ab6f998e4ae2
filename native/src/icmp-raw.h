// Plain POSIX helpers for the probe socket: a raw ICMP (IPv4) or ICMPv6 socket pinned to one
// interface, with kernel receive timestamps. Kept free of N-API and libuv so the socket logic
// reads on its own; the N-API/libuv side is icmp-socket.cc. Functions return >= 0 or -errno.
#pragma once
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wf {

struct IcmpEndpoint {
  int fd = -1;
  int family = 0;  // AF_INET or AF_INET6
  unsigned ifindex = 0;  // scope of IPv6 link-local destinations
};

// socket(family, SOCK_RAW, IPPROTO_ICMP / IPPROTO_ICMPV6), non-blocking, bound to `iface` with
// SO_BINDTODEVICE and asking for SO_TIMESTAMPNS. 0 or -errno (*failed_call names the syscall).
int OpenIcmp(int family, const std::string& iface, IcmpEndpoint* out, const char** failed_call);

// sendto() of one ICMP message (no IP header) to the numeric address `dst`. Bytes sent or
// -errno; -EINVAL when `dst` is not an address of the socket's family. *sent_at is the
// CLOCK_MONOTONIC time read right before the sendto() call.
long SendIcmp(const IcmpEndpoint& ep, const uint8_t* data, size_t len, const std::string& dst, timespec* sent_at);


struct IcmpDatagram {
  std::vector<uint8_t> data;  // as the kernel delivers it (IPv4: with the IP header, raw(7))
  std::string src;            // numeric source address
  bool stamped = false;       // the kernel attached SCM_TIMESTAMPNS
  timespec rx{};              // the kernel's receive time, CLOCK_REALTIME (see icmp-raw.cc)
};

// recvmsg() of one datagram with its timestamp. Bytes or -errno (-EAGAIN: queue empty).
long ReceiveIcmp(const IcmpEndpoint& ep, IcmpDatagram* out);

// Nanoseconds between the kernel's receive stamp and now, both on CLOCK_REALTIME; -1 unstamped.
int64_t ReceiveAgeNs(const IcmpDatagram& d);

}  // namespace wf
