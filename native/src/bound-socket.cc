#include "bound-socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "napi-errno.h"

namespace wf {

int OpenBoundSocket(int family, int type, const std::string& iface, const char** failed_call) {
  *failed_call = "socket";
  if (family != AF_INET && family != AF_INET6) return -EAFNOSUPPORT;
  // if.h: IFNAMSIZ counts the NUL.
  if (iface.empty() || iface.size() >= IFNAMSIZ) return -EINVAL;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  // socket(7): SO_BINDTODEVICE pins sends and receives to the interface whatever the routes say;
  // with the link's `oif` rule its own table routes the probe, also while the link is standby.
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(), static_cast<socklen_t>(iface.size() + 1)) < 0) {
    int err = errno;
    *failed_call = "setsockopt";
    close(fd);
    return -err;
  }
  return fd;
}

bool ToSockaddr(int family, const std::string& dst, int port, sockaddr_storage* ss, socklen_t* len) {
  std::memset(ss, 0, sizeof(*ss));
  if (port < 0 || port > 65535) return false;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, dst.c_str(), &sin->sin_addr) != 1) return false;
    *len = sizeof(*sin);
    return true;
  }
  if (family == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, dst.c_str(), &sin6->sin6_addr) != 1) return false;
    *len = sizeof(*sin6);
    return true;
  }
  return false;
}

int OpenBoundFromJs(const Napi::CallbackInfo& info, int type, const char* api, sockaddr_storage* ss, socklen_t* len) {
  Napi::Env env = info.Env();
  int fam = info[0].As<Napi::Number>().Int32Value();
  int family = fam == 4 ? AF_INET : fam == 6 ? AF_INET6 : -1;
  if (family < 0 || !ToSockaddr(family, info[2].As<Napi::String>().Utf8Value(), info[3].As<Napi::Number>().Int32Value(), ss, len)) {
    Napi::TypeError::New(env, std::string(api) + ": family must be 4 or 6 and dst an address of it, port 0-65535").ThrowAsJavaScriptException();
    return -1;
  }
  const char* failed = "socket";
  int fd = OpenBoundSocket(family, type, info[1].As<Napi::String>().Utf8Value(), &failed);
  if (fd < 0) {
    ThrowErrno(env, (std::string(api) + ": ").c_str(), failed, -fd);
    return -1;
  }
  return fd;
}

}  // namespace wf
