// Probe domain types and ports. Only src/probe/raw-socket-adapter.ts imports `raw-socket`;
// the rest uses ProbeSocket, so tests script loss and RTT with a fake.
import type { ProbeMethod } from '../config/probe-target.js';

/** A raw ICMPv4 socket bound (SO_BINDTODEVICE) to one interface. */
export interface ProbeSocket {
  /** Sends an ICMP message (no IP header) to dst. Rejects with an errno-coded error. */
  send(icmp: Buffer, dst: string): Promise<void>;
  /**
   * Optional, where the socket can tell when the message left: a synchronous send() returning
   * the time (on the socket's Clock) read right before sendto(), as ping(8) stamps. Throws an
   * errno-coded error. Callers without it stamp with their Clock just before send().
   */
  sendStamped?(icmp: Buffer, dst: string): number;
  /** Called for every ICMP message received: payload without IP header, source, monotonic rx time. */
  onMessage(cb: (icmp: Buffer, src: string, rxMs: number) => void): void;
  close(): void;
}

export interface ProbeSocketFactory {
  open(iface: string): ProbeSocket;
}

export interface EchoResult {
  target: string;
  ok: boolean;
  rttMs: number | null;
  /** errno code or 'timeout' when not ok. */
  error: string | null;
}

export interface CycleResult {
  /** Gateway echo, or null when the gateway is unknown. */
  gateway: EchoResult | null;
  targets: EchoResult[];
  targetsUp: number;
  /** targetsUp >= min_targets_up: drives failover. */
  healthy: boolean;
  /** Diagnostic only. */
  gatewayReachable: boolean;
  /** Continuous mode with a quality: section: the link's verdict over the window at this round. */
  quality?: { state: 'up' | 'degraded' | 'down' | 'unknown'; reason: string | null };
}

export interface TargetStats {
  target: string;
  up: boolean | null;
  rttMs: number | null;
  lossPct: number | null;
  /** Continuous mode: mean |RTT difference| of consecutive replies over the window. */
  jitterMs?: number | null;
  /** Continuous mode: the target's own quality verdict; dead = silent while others answer, ignored. */
  state?: 'up' | 'degraded' | 'down' | 'dead' | 'unknown';
  reason?: string | null;
  /** How the target is probed (icmp, tcp, dns, http, https); absent on the gateway. */
  method?: ProbeMethod;
  /** Why the target's last probe failed ('timeout', 'refused', 'NXDOMAIN', 'HTTP 302' ...); null when it answered. */
  lastError?: string | null;
}

export interface ProbeStats {
  /** Median-free mean RTT of the window over all targets, null before any reply. */
  rttMs: number | null;
  lossPct: number | null;
  gateway: TargetStats | null;
  targets: TargetStats[];
  /** Continuous mode: jitter over the window (see TargetStats.jitterMs). */
  jitterMs?: number | null;
  /** Continuous mode with a quality: section: the link's verdict, its window and probes in it. */
  quality?: { state: 'up' | 'degraded' | 'down' | 'unknown'; reason: string | null; windowMs: number; samples: number } | null;
}
