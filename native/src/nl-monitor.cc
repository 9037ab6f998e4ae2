// The notification monitor: nl-socket.cc's socket watched by a uv_poll_t on Node's own loop.
// Why our own: netlink@0.3.0 aborts the process when the socket overflows (ENOBUFS); here every
// error becomes an onError(code) call and the socket stays open unless it is truly unusable.
#include "nl-monitor.h"

#include <uv.h>

#include <cerrno>
#include <vector>

#include "napi-errno.h"
#include "nl-socket.h"
#include "polled-socket.h"

namespace wf {
namespace {

constexpr const char* kApi = "nlMonitor";
// rtnetlink notifications are a few KiB at most; anything larger is dropped and reported.
constexpr long kMaxDatagramBytes = 1 << 20;

class Monitor : public PolledSocket {
 public:
  Monitor(napi_env env, int fd, Napi::Function on_data, Napi::Function on_error)
      : PolledSocket(env, kApi, fd, on_data, on_error) {}

 protected:
  bool ReadOne(Napi::Env env) override {
    long len = PeekDatagramLength(fd());
    if (len == -EAGAIN) return false;
    bool from_kernel = false;
    if (len > kMaxDatagramBytes) {
      ReceiveDatagram(fd(), 1, &buf_, &from_kernel);  // consumes (truncates) the datagram
      return EmitError(env, "EMSGSIZE");
    }
    long n = len < 0 ? len : ReceiveDatagram(fd(), static_cast<size_t>(len), &buf_, &from_kernel);
    if (n == -EAGAIN) return false;
    if (n < 0) {
      // ENOBUFS: the kernel dropped notifications; the socket itself stays usable.
      int err = static_cast<int>(-n);
      if (!Tolerate(env, err) || !EmitError(env, ErrnoName(err))) return false;
      return err == ENOBUFS;  // e.g. ENOMEM: retry on the next wakeup
    }
    if (!from_kernel) return true;  // only the kernel speaks on rtnetlink groups
    DataDelivered();
    return EmitData(env);
  }

  // For a netlink socket POLLERR means sk_err is set (ENOBUFS after an overrun): report it.
  bool OnSocketError(Napi::Env env, int err, int status) override {
    return EmitError(env, err > 0 ? ErrnoName(err) : uv_err_name(status)) && !closed();
  }

 private:
  bool EmitData(Napi::Env env) {
    Napi::HandleScope scope(env);
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::Copy(env, buf_.data(), buf_.size());
    if (env.IsExceptionPending()) return ReportException(env);
    return CallData(env, {data});
  }

  std::vector<uint8_t> buf_;
};

// nlMonitorOpen(groupsMask: number, rcvbufBytes: number, onData: (b: Buffer) => void,
//               onError: (code: string) => void): { close(), ref(), unref() }
Napi::Value NlMonitorOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsFunction() || !info[3].IsFunction()) {
    Napi::TypeError::New(env, "nlMonitorOpen(groupsMask: number, rcvbufBytes: number, onData: function, onError: function)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint32_t groups = info[0].As<Napi::Number>().Uint32Value();
  int rcvbuf = info[1].As<Napi::Number>().Int32Value();
  uv_loop_t* loop = EventLoopOf(env, kApi);
  if (loop == nullptr) return env.Undefined();
  const char* failed_call = "socket";
  int fd = OpenRouteMonitor(groups, rcvbuf < 0 ? 0 : rcvbuf, &failed_call);
  if (fd < 0) {
    ThrowErrno(env, "nlMonitorOpen: ", failed_call, -fd);
    return env.Undefined();
  }
  return StartHandle(env, loop, new Monitor(env, fd, info[2].As<Napi::Function>(), info[3].As<Napi::Function>()), {});
}

}  // namespace

void RegisterNlMonitor(Napi::Env env, Napi::Object exports) {
  exports.Set("nlMonitorOpen", Napi::Function::New(env, NlMonitorOpen, "nlMonitorOpen"));
}

}  // namespace wf
