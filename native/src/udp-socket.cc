// A UDP socket bound to one interface (SO_BINDTODEVICE) and connected to one server, for the DNS
// probe of issue 23, polled on Node's loop by polled-socket.cc like the ICMP socket. Connected, so
// the kernel only delivers the server's datagrams and reports its ICMP port unreachable as
// ECONNREFUSED (udp(7)); datagrams carry the kernel's receive stamp (SO_TIMESTAMPNS), as echoes do.
#include "udp-socket.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <string>

#include "bound-socket.h"
#include "icmp-raw.h"
#include "napi-errno.h"
#include "polled-socket.h"

namespace wf {
namespace {

constexpr const char* kApi = "udpSocket";

class UdpSocket : public PolledSocket {
 public:
  UdpSocket(napi_env env, IcmpEndpoint ep, Napi::Function on_message, Napi::Function on_error)
      : PolledSocket(env, kApi, ep.fd, on_message, on_error), ep_(ep) {}

  long Send(const uint8_t* data, size_t len, timespec* sent_at) {
    if (closed()) return -EBADF;
    ssize_t n;
    do {
      clock_gettime(CLOCK_MONOTONIC, sent_at);
      n = send(fd(), data, len, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    return static_cast<long>(n);
  }

 protected:
  bool ReadOne(Napi::Env env) override {
    // ReceiveIcmp is a plain recvmsg() with the receive stamp: any datagram socket's read.
    long n = ReceiveIcmp(ep_, &dgram_);
    if (n == -EAGAIN) return false;
    if (n < 0) {
      int err = static_cast<int>(-n);
      if (err == ECONNREFUSED && !EmitError(env, ErrnoName(err))) return false;
      return Tolerate(env, err);
    }
    DataDelivered();
    Napi::HandleScope scope(env);
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, dgram_.data.data(), dgram_.data.size());
    if (env.IsExceptionPending()) return ReportException(env);
    Napi::Number age = Napi::Number::New(env, static_cast<double>(ReceiveAgeNs(dgram_)));
    return CallData(env, {data, age});
  }

  // POLLERR on a connected UDP socket: the server's ICMP error (ECONNREFUSED for port unreachable).
  bool OnSocketError(Napi::Env env, int err, int) override {
    if (err > 0) return EmitError(env, ErrnoName(err));
    return true;
  }

 private:
  IcmpEndpoint ep_;
  IcmpDatagram dgram_;
};

// send(data: Buffer): number -- ns from entry to right before send() (as icmpSocket's send).
Napi::Value JsSend(const Napi::CallbackInfo& info) {
  timespec entry{};
  clock_gettime(CLOCK_MONOTONIC, &entry);
  Napi::Env env = info.Env();
  UdpSocket* s = static_cast<UdpSocket*>(UnwrapHandle(info, kApi));
  if (s == nullptr) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    Napi::TypeError::New(env, "send(data: Buffer)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  timespec sent_at{};
  long n = s->Send(buf.Data(), buf.Length(), &sent_at);
  if (n < 0) {
    ThrowErrno(env, "udpSocket: ", "send", static_cast<int>(-n));
    return env.Undefined();
  }
  int64_t ns = (static_cast<int64_t>(sent_at.tv_sec) - entry.tv_sec) * 1000000000LL + (sent_at.tv_nsec - entry.tv_nsec);
  return Napi::Number::New(env, static_cast<double>(ns < 0 ? 0 : ns));
}

// udpSocketOpen(family: 4 | 6, iface: string, dst: string, port: number,
//               onMessage: (data: Buffer, ageNs: number) => void, onError: (code: string) => void): { send, close, ref, unref }
Napi::Value UdpSocketOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsString() || !info[3].IsNumber() ||
      !info[4].IsFunction() || !info[5].IsFunction()) {
    Napi::TypeError::New(env, "udpSocketOpen(family: 4 | 6, iface: string, dst: string, port: number, onMessage: function, onError: function)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uv_loop_t* loop = EventLoopOf(env, kApi);
  if (loop == nullptr) return env.Undefined();
  sockaddr_storage ss;
  socklen_t sl = 0;
  int fd = OpenBoundFromJs(info, SOCK_DGRAM, "udpSocketOpen", &ss, &sl);
  if (fd < 0) return env.Undefined();
  int on = 1;
  // Same receive stamp as the ICMP socket (icmp-raw.cc): the answer time is the kernel's.
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 || connect(fd, reinterpret_cast<sockaddr*>(&ss), sl) < 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, "udpSocketOpen: ", "connect", err);
    return env.Undefined();
  }
  IcmpEndpoint ep;
  ep.fd = fd;
  ep.family = ss.ss_family;
  UdpSocket* s = new UdpSocket(env, ep, info[4].As<Napi::Function>(), info[5].As<Napi::Function>());
  return StartHandle(env, loop, s, {{"send", JsSend}});
}

}  // namespace

void RegisterUdpSocket(Napi::Env env, Napi::Object exports) {
  exports.Set("udpSocketOpen", Napi::Function::New(env, UdpSocketOpen, "udpSocketOpen"));
}

}  // namespace wf
