// The only importer of `node-gyp-build`: loads the project's own addon from native/build.
// Loaded lazily so a daemon without NOTIFY_SOCKET never needs the compiled addon.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions exported by native/src/addon.cc (the product addon: only what the daemon calls). */
export interface NativeAddon {
  /** Send one datagram to a unix socket; '@name' = abstract namespace. Throws Error with `code` (errno name). */
  notify(socketPath: string, message: string): void;
}

type GypBuildLoader = (dir: string) => unknown;

// dist/src/systemd/native.js -> <package root>/native (same layout in /opt/wan-failover).
const here = path.dirname(fileURLToPath(import.meta.url));
export const NATIVE_DIR: string = path.resolve(here, '..', '..', '..', 'native');

let cached: NativeAddon | undefined;

function isAddon(x: unknown): x is NativeAddon {
  const o = x as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.notify === 'function';
}

function loadModule(dir: string): unknown {
  const require = createRequire(import.meta.url);
  const load = require('node-gyp-build') as GypBuildLoader;
  return load(dir);
}

/** One function of the addon in `dir`; throws when the addon (or that export) was not built. */
function loadFunction(dir: string, name: string): unknown {
  const mod = loadModule(dir) as Record<string, unknown> | null;
  const fn = typeof mod === 'object' && mod !== null ? mod[name] : undefined;
  if (typeof fn !== 'function') throw new Error(`native addon in ${dir} has no ${name} (run npm run build:native)`);
  return fn;
}

/** Load (once) and return the addon; throws when it was not built (`npm run build:native`). */
export function loadNative(dir: string = NATIVE_DIR): NativeAddon {
  if (cached) return cached;
  const mod = loadModule(dir);
  if (!isAddon(mod)) throw new Error(`native addon in ${dir} does not export the expected functions`);
  cached = mod;
  return mod;
}

/** sd_notify-style send of one datagram. Throws with `code` (e.g. ENOENT, ECONNREFUSED). */
export function notify(socketPath: string, message: string): void {
  loadNative().notify(socketPath, message);
}

/** The rtnetlink notification socket of native/src/nl-monitor.cc. */
export interface NlMonitorHandle {
  /** Stops the poll and closes the socket; idempotent. */
  close(): void;
  /** Keep (default) / stop keeping the event loop alive while open. */
  ref(): void;
  unref(): void;
}

/**
 * Opens the socket bound to the RTMGRP_* bit mask. onData gets each kernel datagram (one or more
 * netlink messages); onError gets an errno name and the socket stays usable ("ENOBUFS": notifications
 * were lost), except "ECLOSED": the socket died and was closed. Throws Error with `code` when opening fails.
 */
export type NlMonitorOpen = (
  groupsMask: number, rcvbufBytes: number, onData: (datagram: Buffer) => void, onError: (code: string) => void,
) => NlMonitorHandle;

/** Sibling of loadNative(): only requires nlMonitorOpen, so an older addon still serves sd_notify. */
export function loadNlMonitorOpen(dir: string = NATIVE_DIR): NlMonitorOpen {
  return loadFunction(dir, 'nlMonitorOpen') as NlMonitorOpen;
}

/** The raw ICMP/ICMPv6 probe socket of native/src/icmp-socket.cc. */
export interface IcmpSocketHandle {
  /**
   * Synchronous sendto(); returns the ns from entering send() to right before the sendto() call
   * (the caller adds it to its clock read just before calling). Throws Error with `code` (errno
   * name) and `syscall`.
   */
  send(icmp: Buffer, dst: string): number;
  /** Stops the poll and closes the socket; idempotent. */
  close(): void;
  ref(): void;
  unref(): void;
}

/**
 * Opens a raw socket of `family` bound (SO_BINDTODEVICE) to `iface`. onMessage gets each datagram
 * as the kernel delivers it (IPv4 with its IP header, ICMPv6 without), the numeric source and the
 * age in ns of the kernel's receive stamp when JS is called (-1: no stamp). onError gets "ECLOSED"
 * once if the socket died. Throws Error with `code` and `syscall` when opening fails.
 */
export type IcmpSocketOpen = (
  family: 4 | 6, iface: string, onMessage: (datagram: Buffer, src: string, ageNs: number) => void, onError: (code: string) => void,
) => IcmpSocketHandle;

/** Sibling of loadNative(): only requires icmpSocketOpen. */
export function loadIcmpSocketOpen(dir: string = NATIVE_DIR): IcmpSocketOpen {
  return loadFunction(dir, 'icmpSocketOpen') as IcmpSocketOpen;
}

/** A pending connect of native/src/tcp-connect.cc. */
export interface TcpConnectHandle {
  abort(): void;
}

/**
 * A non-blocking TCP connect bound (SO_BINDTODEVICE) to `iface`. onDone once: code null and the
 * connected fd (the caller owns it), or an errno name and -1; elapsedNs from right before
 * connect() to the outcome. Throws Error with `code` and `syscall` when it cannot start.
 */
export type TcpConnect = (
  family: 4 | 6, iface: string, dst: string, port: number, onDone: (code: string | null, fd: number, elapsedNs: number) => void,
  /** false: the connect is only timed; on success the addon resets and closes it (fd -1). Default true. */
  keep?: boolean,
) => TcpConnectHandle;

/** The bound, connected UDP socket of native/src/udp-socket.cc. */
export interface UdpSocketHandle {
  /** Synchronous send(); returns the ns from entry to right before the call. Throws Error with `code`. */
  send(data: Buffer): number;
  close(): void;
  ref(): void;
  unref(): void;
}

export type UdpSocketOpen = (
  family: 4 | 6, iface: string, dst: string, port: number,
  onMessage: (data: Buffer, ageNs: number) => void, onError: (code: string) => void,
) => UdpSocketHandle;

/** Sibling of loadNative(): the TCP connect and UDP socket of the TCP, DNS and HTTP(S) probes. */
export function loadLinkSockets(dir: string = NATIVE_DIR): { tcpConnect: TcpConnect; udpSocketOpen: UdpSocketOpen } {
  return { tcpConnect: loadFunction(dir, 'tcpConnect') as TcpConnect, udpSocketOpen: loadFunction(dir, 'udpSocketOpen') as UdpSocketOpen };
}
