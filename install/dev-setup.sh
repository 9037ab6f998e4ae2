#!/usr/bin/env bash
# Sets up a development or CI machine (Debian/Ubuntu, as root): the system packages the namespace
# lab and the tests use, then the npm packages and the build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "dev-setup: run as root (the lab builds network namespaces)" >&2
  exit 1
fi

need=()
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || need+=(nftables)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v dhclient >/dev/null || need+=(isc-dhcp-client)
command -v ping >/dev/null || need+=(iputils-ping)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
command -v mosquitto >/dev/null || need+=(mosquitto)   # MQTT broker for the Home Assistant tests
command -v keepalived >/dev/null || need+=(keepalived)   # VRRP pair lab (issue 25)
command -v chromium >/dev/null || need+=(chromium)     # headless browser for the status page test (test/lab/status-page.test.ts)
if [ "${#need[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

npm ci --no-audit --no-fund
npm run build
