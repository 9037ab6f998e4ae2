// PURE: a DNS response to a query (RFC 1035 4.1) with an RCODE and N answer records of a type, for
// the lab's DNS responder and the probe unit tests' fakes.

/** The question's type of a query (after its name), or null when it cannot be read. */
export function queryType(query: Buffer): number | null {
  let o = 12;
  for (let guard = 0; guard < 128 && o < query.length; guard++) {
    const len = query[o]!;
    if (len === 0) return o + 3 <= query.length ? query.readUInt16BE(o + 1) : null;
    o += 1 + len;
  }
  return null;
}

/** The query echoed as a response: QR, RA, `rcode`, `answers` records of `type` (A: 198.51.100.99, AAAA: 2001:db8::99). */
export function dnsResponse(query: Buffer, rcode: number, answers: number, type = 1): Buffer {
  const head = Buffer.from(query);
  head.writeUInt16BE(0x8180 | rcode, 2);
  head.writeUInt16BE(answers, 6);
  head.writeUInt16BE(0, 8);
  head.writeUInt16BE(0, 10);
  const data = type === 28 ? Buffer.from('20010db8000000000000000000000099', 'hex') : Buffer.from([198, 51, 100, 99]);
  const records: Buffer[] = [];
  for (let i = 0; i < answers; i++) {
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(type, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    records.push(rr, data);
  }
  return Buffer.concat([head, ...records]);
}
