#!/bin/sh
# wan-failover installer: builds the project, installs it to /opt/wan-failover with wrappers,
# systemd unit, dhclient exit hook and a first config (random api_key). Idempotent; the config
# is never overwritten. --root DIR installs under DIR (DESTDIR style, no systemctl/useradd).
set -eu

SERVICE_USER=wan-failover
APP_DIR=/opt/wan-failover
BIN_DIR=/usr/local/bin
CONF_DIR=/etc/wan-failover
STATE_DIR=/var/lib/wan-failover
LOG_DIR=/var/log/wan-failover
HOOK_PATH=/etc/dhcp/dhclient-exit-hooks.d/wan-failover
UNIT_PATH=/etc/systemd/system/wan-failover.service
LOGROTATE_PATH=/etc/logrotate.d/wan-failover
PLACEHOLDER=CHANGE_ME_TO_A_RANDOM_STRING

ROOT=""
MODE=install
BUILD=yes
# Logical path (no -P): the tests run us through a symlinked source tree.
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    cat <<USAGE
usage: install.sh [--root DIR] [--uninstall] [--no-build] [--source DIR]
  --root DIR    install under DIR instead of / (no systemctl, no useradd, no chown)
  --uninstall   remove everything except $CONF_DIR/config.yaml
  --no-build    use the existing dist/ and native/build instead of npm ci + npm run build
  --source DIR  project checkout to install from (default: the directory above this script)
USAGE
}

log() { printf 'wan-failover install: %s\n' "$*"; }
die() { printf 'wan-failover install: error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || die "--root needs a directory"
                mkdir -p "$2" || die "cannot create $2"
                ROOT=$(cd "$2" && pwd) || die "no such directory: $2"; shift 2 ;;
        --uninstall) MODE=uninstall; shift ;;
        --no-build) BUILD=no; shift ;;
        --source) [ $# -ge 2 ] || die "--source needs a directory"; SRC_DIR=$(cd "$2" && pwd); shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "must run as root (or use --root DIR)"
fi

# systemctl/useradd/chown act on the live system: only for a real install with systemd running.
live() { [ -z "$ROOT" ]; }
systemd_running() { live && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

check_prerequisites() {
    command -v node >/dev/null 2>&1 || die "Node.js >= 20 is required (https://nodejs.org or: apt-get install -y nodejs npm)"
    command -v npm >/dev/null 2>&1 || die "npm is required: apt-get install -y npm"
    node_major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$node_major" -ge 20 ] || die "Node.js >= 20 is required, found $(node --version)"
    if [ "$BUILD" = yes ]; then
        missing=""
        for tool in g++ make python3; do
            command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
        done
        [ -z "$missing" ] || die "missing build tools for native addons:$missing; run: apt-get install -y$missing"
    fi
}

build() {
    if [ "$BUILD" = yes ]; then
        # One progress line; the full npm/node-gyp output goes to a file, shown if the build fails.
        build_log=$(mktemp "${TMPDIR:-/tmp}/wan-failover-build.XXXXXX")
        log "building in $SRC_DIR (npm ci, npm run build; log: $build_log) ..."
        if ! (cd "$SRC_DIR" && npm ci --no-audit --no-fund && npm run build) >"$build_log" 2>&1; then
            tail -n 40 "$build_log" >&2
            die "build failed; full log: $build_log"
        fi
        rm -f "$build_log"
        log "build done"
    fi
    for f in package.json package-lock.json dist/src native/build/Release/wan_failover_native.node; do
        [ -e "$SRC_DIR/$f" ] || die "$SRC_DIR/$f is missing (build first or drop --no-build)"
    done
}

# Copies the application into a staging dir next to the target and swaps it in, so an
# upgrade never leaves a half-copied tree behind.
install_app() {
    target="$ROOT$APP_DIR"
    stage="$target.new.$$"
    rm -rf "$stage"
    mkdir -p "$stage/dist/src" "$stage/native/build/Release" "$stage/node_modules"
    cp "$SRC_DIR/package.json" "$SRC_DIR/package-lock.json" "$stage/"
    [ ! -f "$SRC_DIR/config.example.yaml" ] || cp "$SRC_DIR/config.example.yaml" "$stage/"
    # The unit's Documentation= points here.
    cp "$SRC_DIR/README.md" "$stage/"
    # The keepalived examples for a VRRP pair (README "Two routers").
    [ ! -d "$SRC_DIR/install/keepalived" ] || cp -a "$SRC_DIR/install/keepalived" "$stage/keepalived"
    # The product only: dist/src. The lab, tests and benchmarks build to dist/lab, dist/test and
    # dist/bench and are never installed; dist/src/lab is what builds from before the lab moved out
    # of src/ left behind.
    cp -a "$SRC_DIR/dist/src/." "$stage/dist/src/"
    rm -rf "$stage/dist/src/lab"
    # The product addon only: the tests' wan_failover_test.test-node stays behind.
    cp "$SRC_DIR/native/build/Release/wan_failover_native.node" "$stage/native/build/Release/"
    cp -a "$SRC_DIR/node_modules/." "$stage/node_modules/"
    # Production dependencies only; offline, from the lock file.
    (cd "$stage" && npm prune --omit=dev --no-audit --no-fund --offline >/dev/null) || {
        rm -rf "$stage"; die "npm prune failed in $stage"; }
    chmod -R u=rwX,go=rX "$stage"
    rm -rf "$target.old"
    [ ! -e "$target" ] || mv "$target" "$target.old"
    mv "$stage" "$target"
    rm -rf "$target.old"
    log "installed application to $target"
}

write_wrapper() {
    # $1 = command name, $2 = entry script under $APP_DIR, $3 = NAME=value environment, $4 = node flags (both may be empty)
    node_bin=$(command -v node)
    tmp="$ROOT$BIN_DIR/.$1.$$"
    printf '#!/bin/sh\n# Installed by wan-failover install.sh\nexec %s%s %s%s/%s "$@"\n' "${3:+env $3 }" "$node_bin" "${4:+$4 }" "$APP_DIR" "$2" > "$tmp"
    chmod 0755 "$tmp"
    mv -f "$tmp" "$ROOT$BIN_DIR/$1"
}

# A fresh random hex api_key: 32 bytes from the kernel's CSPRNG.
random_key() {
    od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

install_config() {
    conf="$ROOT$CONF_DIR/config.yaml"
    mkdir -p "$ROOT$CONF_DIR"
    chmod 0755 "$ROOT$CONF_DIR"
    if [ -e "$conf" ]; then
        log "keeping existing $conf"
    else
        example="$SRC_DIR/config.example.yaml"
        [ -f "$example" ] || die "$example is missing"
        tmp="$conf.new.$$"
        # A header that says what still needs editing, then the example with a fresh key.
        (umask 077 && {
            printf '%s\n' \
                '# GENERATED by install.sh from config.example.yaml, with a random api_key.' \
                '# EDIT BEFORE STARTING: primary/secondary interface (eth0/eth1 below are only examples;' \
                '# see `ip link`) and ping_targets. Then check it: wanctl check-config' \
                ''
            # The example's "change this!" beside the key no longer applies to a generated one.
            sed -e "/$PLACEHOLDER/s/# IMPORTANT: change this!/# generated by install.sh; keep it secret/" \
                -e "s/$PLACEHOLDER/$(random_key)/g" "$example"
        } > "$tmp")
        mv "$tmp" "$conf"
        log "created $conf with a new random api_key"
        log "EDIT $conf: set the WAN interfaces (primary/secondary) and ping_targets, then run: wanctl check-config"
    fi
    chmod 0600 "$conf"
    if live; then chown "$SERVICE_USER:$SERVICE_USER" "$conf"; fi
}

install_files() {
    mkdir -p "$ROOT$BIN_DIR" "$ROOT$(dirname "$HOOK_PATH")" "$ROOT$(dirname "$UNIT_PATH")" "$ROOT$STATE_DIR"
    # How the daemon is launched (environment, V8 flags) lives in one file, shared with the lab and
    # the benchmarks: NAME=value words are environment, the others node flags.
    launch_words=$(grep -v '^[[:space:]]*#' "$SRC_DIR/install/daemon-launch" | tr -s ' \n\t' '\n\n\n' | grep -v '^$' || true)
    daemon_env=$(printf '%s\n' "$launch_words" | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' | tr '\n' ' ' | sed 's/ $//' || true)
    daemon_flags=$(printf '%s\n' "$launch_words" | grep -vE '^[A-Za-z_][A-Za-z0-9_]*=' | grep -v '^$' | tr '\n' ' ' | sed 's/ $//' || true)
    write_wrapper wan-failover dist/src/main.js "$daemon_env" "$daemon_flags"
    write_wrapper wanctl dist/src/cli/wanctl.js
    install -m 0644 "$SRC_DIR/install/dhclient-exit-hook" "$ROOT$HOOK_PATH"
    install -m 0644 "$SRC_DIR/install/wan-failover.service" "$ROOT$UNIT_PATH"
    mkdir -p "$ROOT$(dirname "$LOGROTATE_PATH")"
    install -m 0644 "$SRC_DIR/install/logrotate" "$ROOT$LOGROTATE_PATH"
    chmod 0755 "$ROOT$STATE_DIR"
    if live; then chown "$SERVICE_USER:$SERVICE_USER" "$ROOT$STATE_DIR"; fi
}

create_user() {
    live || return 0
    if ! id "$SERVICE_USER" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir "$STATE_DIR" \
            --shell /usr/sbin/nologin "$SERVICE_USER"
        log "created system user $SERVICE_USER"
    fi
}

enable_service() {
    if systemd_running; then
        systemctl daemon-reload
        systemctl enable wan-failover.service
        # An upgrade restarts a running daemon on the new code; a first install is left for the admin.
        systemctl try-restart wan-failover.service || true
        log "enabled wan-failover.service (start it with: systemctl start wan-failover)"
    else
        log "systemd not running or --root given: skipped systemctl"
    fi
}

uninstall() {
    if systemd_running; then
        systemctl disable --now wan-failover.service 2>/dev/null || true
    fi
    rm -f "$ROOT$UNIT_PATH" "$ROOT$HOOK_PATH" "$ROOT$LOGROTATE_PATH" "$ROOT$BIN_DIR/wan-failover" "$ROOT$BIN_DIR/wanctl"
    rm -rf "$ROOT$APP_DIR" "$ROOT$STATE_DIR" "$ROOT$LOG_DIR"
    if systemd_running; then systemctl daemon-reload; fi
    if live && id "$SERVICE_USER" >/dev/null 2>&1; then
        # The kept config must not stay owned by a uid that may be reused.
        [ ! -e "$CONF_DIR/config.yaml" ] || chown root:root "$CONF_DIR/config.yaml"
        userdel "$SERVICE_USER" || true
    fi
    log "uninstalled (kept $ROOT$CONF_DIR/config.yaml)"
}

if [ "$MODE" = uninstall ]; then
    uninstall
    exit 0
fi

check_prerequisites
build
create_user
install_app
install_files
install_config
enable_service
log "done"
