// PURE: the one DNS query a dns:// probe sends and what its answer means (RFC 1035 4.1). A probe
// succeeds on NOERROR with at least one answer record of the type it asked for; anything else
// names why (the RCODE, a truncated or malformed answer, an answer without such a record).

const RCODES: Readonly<Record<number, string>> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };
const HEADER = 12;
const CLASS_IN = 1;

/** A standard query with recursion desired for `name` (no trailing dot) of type `qtype`. */
export function buildDnsQuery(id: number, name: string, qtype: number): Buffer {
  const labels = name.split('.').filter((l) => l !== '');
  const q = Buffer.alloc(HEADER + labels.reduce((n, l) => n + 1 + Buffer.byteLength(l), 0) + 1 + 4);
  q.writeUInt16BE(id & 0xffff, 0);
  q.writeUInt16BE(0x0100, 2); // RD
  q.writeUInt16BE(1, 4); // QDCOUNT
  let o = HEADER;
  for (const l of labels) {
    o = q.writeUInt8(Buffer.byteLength(l), o);
    o += q.write(l, o, 'ascii');
  }
  o = q.writeUInt8(0, o);
  o = q.writeUInt16BE(qtype, o);
  q.writeUInt16BE(CLASS_IN, o);
  return q;
}

export type DnsVerdict =
  | { kind: 'not-ours' }
  | { kind: 'answer'; ok: boolean; error: string | null };

/** Offset after the (possibly compressed) name at `o`, or -1 when it runs off the message. */
function skipName(b: Buffer, o: number): number {
  for (let guard = 0; guard < 128; guard++) {
    if (o >= b.length) return -1;
    const len = b[o]!;
    if ((len & 0xc0) === 0xc0) return o + 2 <= b.length ? o + 2 : -1;
    if (len === 0) return o + 1;
    o += 1 + len;
  }
  return -1;
}

/** What a datagram says to the query `id` for `qtype`: not ours (wrong id, not a response) or the verdict. */
export function judgeDnsAnswer(b: Buffer, id: number, qtype: number, typeName: string): DnsVerdict {
  if (b.length < HEADER || b.readUInt16BE(0) !== (id & 0xffff)) return { kind: 'not-ours' };
  const flags = b.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return { kind: 'not-ours' };
  const rcode = flags & 0x000f;
  if (rcode !== 0) return { kind: 'answer', ok: false, error: RCODES[rcode] ?? `RCODE ${rcode}` };
  if ((flags & 0x0200) !== 0) return { kind: 'answer', ok: false, error: 'truncated answer' };
  const qd = b.readUInt16BE(4);
  const an = b.readUInt16BE(6);
  let o = HEADER;
  for (let i = 0; i < qd; i++) {
    o = skipName(b, o);
    if (o < 0 || o + 4 > b.length) return { kind: 'answer', ok: false, error: 'malformed answer' };
    o += 4;
  }
  let found = 0;
  for (let i = 0; i < an; i++) {
    o = skipName(b, o);
    if (o < 0 || o + 10 > b.length) return { kind: 'answer', ok: false, error: 'malformed answer' };
    const type = b.readUInt16BE(o);
    const rdlength = b.readUInt16BE(o + 8);
    o += 10 + rdlength;
    if (o > b.length) return { kind: 'answer', ok: false, error: 'malformed answer' };
    if (type === qtype) found += 1;
  }
  return found > 0 ? { kind: 'answer', ok: true, error: null } : { kind: 'answer', ok: false, error: `no ${typeName} answer` };
}
