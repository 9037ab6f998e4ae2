// A scripted ProbeSocket: records what was sent and lets a test deliver replies, ICMP errors
// or send failures, with whatever source address and receive time it likes.
import { internetChecksum } from '../../../src/probe/icmp.js';
import type { ProbeSocket } from '../../../src/probe/types.js';

export interface SentEcho {
  icmp: Buffer;
  dst: string;
  id: number;
  seq: number;
}

export class FakeProbeSocket implements ProbeSocket {
  readonly sent: SentEcho[] = [];
  closed = false;
  /** Destinations whose send rejects with this errno code. */
  readonly failSend = new Map<string, string>();
  private listeners: Array<(icmp: Buffer, src: string, rxMs: number) => void> = [];

  send(icmp: Buffer, dst: string): Promise<void> {
    this.sent.push({ icmp: Buffer.from(icmp), dst, id: icmp.readUInt16BE(4), seq: icmp.readUInt16BE(6) });
    const code = this.failSend.get(dst);
    if (code !== undefined) return Promise.reject(Object.assign(new Error(code), { code }));
    return Promise.resolve();
  }

  onMessage(cb: (icmp: Buffer, src: string, rxMs: number) => void): void {
    this.listeners.push(cb);
  }

  close(): void {
    this.closed = true;
  }

  deliver(icmp: Buffer, src: string, rxMs: number): void {
    for (const cb of this.listeners) cb(icmp, src, rxMs);
  }

  /** Answers sent echo number `index` as its target would, unless told otherwise. */
  reply(index: number, rxMs: number, over: { src?: string; id?: number; seq?: number } = {}): void {
    const echo = this.sent[index];
    if (echo === undefined) throw new Error(`no echo #${index} was sent`);
    this.deliver(echoReplyFor(echo.icmp, over), over.src ?? echo.dst, rxMs);
  }

  /** Every echo sent to `dst`, in order. */
  sentTo(dst: string): SentEcho[] {
    return this.sent.filter((s) => s.dst === dst);
  }
}

/**
 * The echo reply a host would send for `request`, optionally with id/seq altered. An ICMPv6
 * request (type 128) gets a type-129 reply with the checksum left as the kernel hands it over
 * (verified already, RFC 3542 3.1); here simply 0.
 */
export function echoReplyFor(request: Buffer, over: { id?: number; seq?: number } = {}): Buffer {
  const buf = Buffer.from(request);
  const v6 = request[0] === 128;
  buf[0] = v6 ? 129 : 0;
  if (over.id !== undefined) buf.writeUInt16BE(over.id, 4);
  if (over.seq !== undefined) buf.writeUInt16BE(over.seq, 6);
  buf.writeUInt16BE(0, 2);
  if (!v6) buf.writeUInt16BE(internetChecksum(buf), 2);
  return buf;
}

/** An ICMPv6 error (RFC 4443 layout) quoting `request` as sent from `src` to `dst` (16-byte addresses). */
export function icmp6ErrorFor(type: number, code: number, request: Buffer, src: Buffer, dst: Buffer): Buffer {
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(request.length, 4);
  ip[6] = 58;
  ip[7] = 64;
  src.copy(ip, 8);
  dst.copy(ip, 24);
  const header = Buffer.alloc(8);
  header[0] = type;
  header[1] = code;
  return Buffer.concat([header, ip, request]);
}

function ipv4Bytes(addr: string): number[] {
  return addr.split('.').map((p) => Number(p));
}

/** An ICMP error (type 3/11) quoting `request` as sent from `src` to `dst` (RFC 792 layout). */
export function icmpErrorFor(type: number, code: number, request: Buffer, src: string, dst: string): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + request.length, 2);
  ip[8] = 64;
  ip[9] = 1;
  Buffer.from(ipv4Bytes(src)).copy(ip, 12);
  Buffer.from(ipv4Bytes(dst)).copy(ip, 16);
  ip.writeUInt16BE(internetChecksum(ip), 10);
  const header = Buffer.alloc(8);
  header[0] = type;
  header[1] = code;
  const msg = Buffer.concat([header, ip, request.subarray(0, 8)]);
  msg.writeUInt16BE(internetChecksum(msg), 2);
  return msg;
}
