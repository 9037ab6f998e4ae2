# The project's own N-API addons, built by `npm run build:native` into native/build:
# - wan_failover_native (the product, installed): unix datagram send for sd_notify, which node
#   cannot do itself, an rtnetlink notification socket that survives ENOBUFS, and the raw
#   ICMP/ICMPv6 probe socket with kernel receive timestamps (icmp-socket.cc), both polled on
#   Node's loop through polled-socket.cc, and the TCP connect and UDP socket of the TCP, DNS and
#   HTTP(S) probes, bound to their link (tcp-connect.cc, udp-socket.cc).
# - wan_failover_test (tests only, never installed): the receiving end of a datagram socket. Its
#   file name (wan_failover_test.test-node; tests load it with process.dlopen) keeps it out of
#   node-gyp-build's pick of build/Release/*.node and out of install.sh's copy.
{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
    "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
  },
  "targets": [
    {
      "target_name": "wan_failover_native",
      "sources": ["src/addon.cc", "src/unix-dgram.cc", "src/nl-socket.cc", "src/polled-socket.cc", "src/nl-monitor.cc", "src/icmp-raw.cc", "src/icmp-socket.cc", "src/bound-socket.cc", "src/tcp-connect.cc", "src/udp-socket.cc"]
    },
    {
      "target_name": "wan_failover_test",
      "target_conditions": [["_type=='loadable_module'", { "product_extension": "test-node" }]],
      "sources": ["src/test-addon.cc", "src/unix-dgram.cc"]
    }
  ]
}
