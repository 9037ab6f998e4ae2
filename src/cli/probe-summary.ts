// PURE figures and lines for `wanctl probe`: per-reply lines and the closing summary in the
// manner of ping(8) (sent, received, loss, min/avg/max/mdev).
import type { EchoResult } from '../probe/types.js';

export interface ProbeSummary {
  sent: number;
  received: number;
  lossPct: number;
  /** null when nothing came back. */
  rtt: { min: number; avg: number; max: number; mdev: number } | null;
}

export function summarize(results: EchoResult[]): ProbeSummary {
  const rtts = results.filter((r) => r.ok && r.rttMs !== null).map((r) => r.rttMs as number);
  const sent = results.length;
  const received = rtts.length;
  const lossPct = sent === 0 ? 0 : ((sent - received) / sent) * 100;
  if (received === 0) return { sent, received, lossPct, rtt: null };
  const avg = rtts.reduce((a, b) => a + b, 0) / received;
  // ping(8)'s mdev: sqrt(mean(x^2) - mean(x)^2), the population standard deviation.
  const meanSq = rtts.reduce((a, b) => a + b * b, 0) / received;
  const mdev = Math.sqrt(Math.max(0, meanSq - avg * avg));
  return { sent, received, lossPct, rtt: { min: Math.min(...rtts), avg, max: Math.max(...rtts), mdev } };
}

const ms3 = (n: number): string => n.toFixed(3);

/** One line per finished echo; `seq` is wanctl's 1-based count, not the wire sequence. */
export function replyLine(r: EchoResult, seq: number, iface: string): string {
  if (r.ok && r.rttMs !== null) return `reply from ${r.target} via ${iface}: seq=${seq} time=${ms3(r.rttMs)} ms`;
  return `no reply from ${r.target} via ${iface}: seq=${seq} ${r.error ?? 'failed'}`;
}

export function summaryLines(s: ProbeSummary, target: string, iface: string): string[] {
  const loss = Number.isInteger(s.lossPct) ? String(s.lossPct) : s.lossPct.toFixed(1);
  const lines = [
    `--- ${target} via ${iface} ---`,
    `${s.sent} sent, ${s.received} received, ${loss}% loss`,
  ];
  if (s.rtt) {
    lines.push(`rtt min/avg/max/mdev = ${ms3(s.rtt.min)}/${ms3(s.rtt.avg)}/${ms3(s.rtt.max)}/${ms3(s.rtt.mdev)} ms`);
  }
  return lines;
}
