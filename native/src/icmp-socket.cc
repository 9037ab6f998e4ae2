// The probe socket on the Node event loop: a uv_poll_t watches the raw ICMP socket; every
// datagram goes to JS with its source and the age of the kernel's receive stamp.
//
// Why an age and not a time: the kernel stamps on CLOCK_REALTIME (icmp-raw.cc), the daemon
// times probes on a monotonic clock (src/clock.ts). Measuring "how long ago did the kernel take
// this packet in" on CLOCK_REALTIME right before handing it to JS, and subtracting that from the
// monotonic clock in JS, puts the stamp on the daemon's clock; a wall-clock step (NTP, the
// operator) can only skew it if it lands in the few microseconds between the two reads.
#include "icmp-socket.h"

#include <sys/socket.h>
#include <uv.h>

#include <cerrno>
#include <string>

#include "icmp-raw.h"
#include "napi-errno.h"
#include "polled-socket.h"

namespace wf {
namespace {

constexpr const char* kApi = "icmpSocket";

class IcmpSocket : public PolledSocket {
 public:
  // The base owns ep.fd (and closes it); ep_ keeps the family and scope beside it.
  IcmpSocket(napi_env env, IcmpEndpoint ep, Napi::Function on_message, Napi::Function on_error)
      : PolledSocket(env, kApi, ep.fd, on_message, on_error), ep_(ep) {}

  // Bytes sent or -errno (-EBADF once closed); *sent_at: CLOCK_MONOTONIC right before sendto().
  long Send(const uint8_t* data, size_t len, const std::string& dst, timespec* sent_at) {
    if (closed()) return -EBADF;
    return SendIcmp(ep_, data, len, dst, sent_at);
  }

 protected:
  bool ReadOne(Napi::Env env) override {
    long n = ReceiveIcmp(ep_, &dgram_);
    if (n == -EAGAIN) return false;
    // A pending socket error (an ICMP error for an earlier send) is returned once and cleared by
    // recvmsg (net/core/sock.c sock_error()); the queue behind it is intact.
    if (n < 0) return Tolerate(env, static_cast<int>(-n));
    DataDelivered();
    return EmitMessage(env);
  }

  // On a raw socket POLLERR means sk_err was set, e.g. by an ICMP error for an earlier send
  // (net/ipv4/raw.c raw_err()): taken and cleared already. Not reported to JS: the ICMP error
  // itself arrives as a datagram.
  bool OnSocketError(Napi::Env, int, int) override { return true; }

 private:
  bool EmitMessage(Napi::Env env) {
    Napi::HandleScope scope(env);
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, dgram_.data.data(), dgram_.data.size());
    if (env.IsExceptionPending()) return ReportException(env);
    Napi::String src = Napi::String::New(env, dgram_.src);
    // Last thing before the call, so the age is as fresh as possible when JS reads its clock.
    Napi::Number age = Napi::Number::New(env, static_cast<double>(ReceiveAgeNs(dgram_)));
    return CallData(env, {data, src, age});
  }

  IcmpEndpoint ep_;
  IcmpDatagram dgram_;
};

IcmpSocket* Unwrap(const Napi::CallbackInfo& info) { return static_cast<IcmpSocket*>(UnwrapHandle(info, kApi)); }

// send(icmp: Buffer, dst: string): number -- ns from entering send() to the moment right before
// sendto(). JS adds it to its clock read just before the call: the only gap left (JS clock read to
// entry) can make the stamp early, never late, so a preempted thread inflates an RTT a little
// instead of making it negative. Throws Error with code/errno/syscall.
Napi::Value JsSend(const Napi::CallbackInfo& info) {
  timespec entry{};
  clock_gettime(CLOCK_MONOTONIC, &entry);
  Napi::Env env = info.Env();
  IcmpSocket* s = Unwrap(info);
  if (s == nullptr) return env.Undefined();
  if (info.Length() < 2 || !info[0].IsBuffer() || !info[1].IsString()) {
    Napi::TypeError::New(env, "send(icmp: Buffer, dst: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  std::string dst = info[1].As<Napi::String>().Utf8Value();
  timespec sent_at{};
  long n = s->Send(buf.Data(), buf.Length(), dst, &sent_at);
  if (n < 0) {
    ThrowErrno(env, "icmpSocket: ", "sendto", static_cast<int>(-n));
    return env.Undefined();
  }
  int64_t to_send = (static_cast<int64_t>(sent_at.tv_sec) - entry.tv_sec) * 1000000000LL + (sent_at.tv_nsec - entry.tv_nsec);
  return Napi::Number::New(env, static_cast<double>(to_send < 0 ? 0 : to_send));
}

// icmpSocketOpen(family: 4 | 6, iface: string, onMessage: (buf, src, ageNs) => void,
//                onError: (code: string) => void): { send, close, ref, unref }
Napi::Value IcmpSocketOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsFunction() || !info[3].IsFunction()) {
    Napi::TypeError::New(env, "icmpSocketOpen(family: 4 | 6, iface: string, onMessage: function, onError: function)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fam = info[0].As<Napi::Number>().Int32Value();
  int family = fam == 4 ? AF_INET : fam == 6 ? AF_INET6 : -1;
  if (family < 0) {
    Napi::TypeError::New(env, "icmpSocketOpen: family must be 4 or 6").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uv_loop_t* loop = EventLoopOf(env, kApi);
  if (loop == nullptr) return env.Undefined();
  IcmpEndpoint ep;
  const char* failed_call = "socket";
  int rc = OpenIcmp(family, info[1].As<Napi::String>().Utf8Value(), &ep, &failed_call);
  if (rc < 0) {
    ThrowErrno(env, "icmpSocketOpen: ", failed_call, -rc);
    return env.Undefined();
  }
  IcmpSocket* s = new IcmpSocket(env, ep, info[2].As<Napi::Function>(), info[3].As<Napi::Function>());
  return StartHandle(env, loop, s, {{"send", JsSend}});
}

}  // namespace

void RegisterIcmpSocket(Napi::Env env, Napi::Object exports) {
  exports.Set("icmpSocketOpen", Napi::Function::New(env, IcmpSocketOpen, "icmpSocketOpen"));
}

}  // namespace wf
