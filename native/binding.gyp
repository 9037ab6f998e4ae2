# The project's own N-API addon: unix datagram sockets for sd_notify, which node
# cannot open itself, and an rtnetlink notification socket that survives ENOBUFS.
# Built by `npm run build:native` into native/build.
{
  "targets": [
    {
      "target_name": "wan_failover_native",
      "sources": ["src/addon.cc", "src/unix-dgram.cc", "src/nl-socket.cc", "src/nl-monitor.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
    }
  ]
}
