// The addons' one errno naming: libuv's table (uv_err_name; UV_E* codes are -errno on Linux, so it
// names every errno, as Node's own `err.code` does), and the one way a failed syscall becomes a JS
// Error carrying code, errno and syscall.
#pragma once
#include <napi.h>
#include <uv.h>

#include <cstring>
#include <string>

namespace wf {

inline const char* ErrnoName(int err) { return uv_err_name(-err); }

// Throws Error("<prefix><syscall> failed: ENAME (strerror)") with code, errno and syscall set.
inline void ThrowErrno(Napi::Env env, const char* prefix, const char* syscall, int err) {
  std::string msg = std::string(prefix) + syscall + " failed: " + ErrnoName(err) + " (" + std::strerror(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
}

}  // namespace wf
