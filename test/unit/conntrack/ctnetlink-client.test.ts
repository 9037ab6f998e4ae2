import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CtnetlinkClient } from '../../../src/conntrack/ctnetlink-client.js';
import { encodeDeleteRequest, encodeDumpRequest } from '../../../src/conntrack/ctnetlink-codec.js';
import { IPCTNL_MSG_CT_DELETE, IPCTNL_MSG_CT_GET, NLM_F_DUMP, ctnlMessageType } from '../../../src/conntrack/ctnetlink-constants.js';
import type { NetlinkRequester, RawReply } from '../../../src/netlink/adapter.js';
import { capturedEntries, loadCapture } from './fixture.js';
import { errnoError } from './fake-port.js';

const cap = loadCapture();
const [wan1] = cap.lab.wans;

interface Sent { type: number; flags: number; body: Buffer }

/**
 * Answers each request with the next scripted reply (replies or an errno); each batch with
 * `batchErrors(bodies)` (errno name per failed index).
 */
function fakeRequester(script: (RawReply[] | string)[], batchErrors: (n: number) => Map<number, string> = () => new Map()):
  NetlinkRequester & { sent: Sent[]; batches: Buffer[][]; closed: number } {
  const sent: Sent[] = [];
  const batches: Buffer[][] = [];
  const r = {
    sent,
    batches,
    closed: 0,
    async requestBatch(_op: string, type: number, bodies: readonly Buffer[]): Promise<Map<number, string>> {
      assert.equal(type, ctnlMessageType(IPCTNL_MSG_CT_DELETE));
      batches.push([...bodies]);
      return batchErrors(bodies.length);
    },
    async request(_op: string, type: number, flags: number, body: Buffer): Promise<RawReply[]> {
      sent.push({ type, flags, body });
      const next = script.shift();
      if (next === undefined) throw new Error('unexpected request');
      if (typeof next === 'string') throw errnoError(next);
      return next;
    },
    close() { r.closed += 1; },
  };
  return r;
}

const dumpReply = (): RawReply[] => cap.entries.map((e) => ({ type: ctnlMessageType(0), flags: 0x22, data: Buffer.from(e.hex, 'hex') }));

test('IPv4: one dump filtered by the kernel on reply address and IPS_SRC_NAT', async () => {
  const req = fakeRequester([dumpReply()]);
  const c = new CtnetlinkClient({ open: () => req });
  const got = await c.list('ipv4', wan1.v4);
  assert.equal(got.length, cap.entries.length);
  assert.equal(req.sent[0]!.type, ctnlMessageType(IPCTNL_MSG_CT_GET));
  assert.equal(req.sent[0]!.flags, NLM_F_DUMP);
  assert.deepEqual(req.sent[0]!.body, encodeDumpRequest('ipv4', { replyDst: wan1.v4, srcNatOnly: true }));
});

test('IPv6: no address filter (the kernel inverts it), status filter only', async () => {
  const req = fakeRequester([[]]);
  await new CtnetlinkClient({ open: () => req }).list('ipv6', wan1.v6);
  assert.deepEqual(req.sent[0]!.body, encodeDumpRequest('ipv6', { srcNatOnly: true }));
});

test('a kernel that refuses the filter gets plain family dumps from then on', async () => {
  const req = fakeRequester(['EINVAL', [], []]);
  const c = new CtnetlinkClient({ open: () => req });
  await c.list('ipv4', wan1.v4);
  await c.list('ipv4', wan1.v4);
  assert.deepEqual(req.sent.map((s) => s.body.length), [encodeDumpRequest('ipv4', { replyDst: wan1.v4, srcNatOnly: true }).length, 4, 4]);
});

test('no ctnetlink at all: the plain dump fails too, and the filter is tried again next time', async () => {
  const req = fakeRequester(['EOPNOTSUPP', 'EOPNOTSUPP', []]);
  const c = new CtnetlinkClient({ open: () => req });
  await assert.rejects(c.list('ipv4', wan1.v4), /EOPNOTSUPP/);
  await c.list('ipv4', wan1.v4);
  assert.ok(req.sent[2]!.body.length > 4, 'filtered again');
});

test('other dump errors are not retried', async () => {
  const req = fakeRequester(['EPERM']);
  await assert.rejects(new CtnetlinkClient({ open: () => req }).list('ipv4', wan1.v4), /EPERM/);
  assert.equal(req.sent.length, 1);
});

test('remove: one delete request per entry, batched 256 per datagram; ENOENT counts as gone', async () => {
  const e = capturedEntries(cap)[0]!;
  const entries = Array.from({ length: 600 }, () => e);
  const req = fakeRequester([], (n) => (n === 88 ? new Map([[0, 'ENOENT'], [5, 'ENOENT']]) : new Map()));
  const c = new CtnetlinkClient({ open: () => req });
  assert.deepEqual(await c.remove(entries), { deleted: 598, gone: 2 });
  assert.deepEqual(req.batches.map((b) => b.length), [256, 256, 88]);
  assert.deepEqual(req.batches[0]![0], encodeDeleteRequest(e));
});

test('remove: any other refusal rejects with its errno after the whole batch was tried', async () => {
  const e = capturedEntries(cap)[0]!;
  const req = fakeRequester([], () => new Map([[1, 'EPERM']]));
  await assert.rejects(new CtnetlinkClient({ open: () => req }).remove([e, e, e]), /EPERM/);
  assert.equal(req.batches.length, 1);
});

test('the socket opens lazily, once, and close is idempotent', async () => {
  let opened = 0;
  const req = fakeRequester([[], []]);
  const c = new CtnetlinkClient({ open: () => { opened += 1; return req; } });
  assert.equal(opened, 0);
  await c.list('ipv4', wan1.v4);
  await c.list('ipv4', wan1.v4);
  c.close();
  c.close();
  assert.equal(opened, 1);
  assert.equal(req.closed, 1);
});

test('a socket that cannot open (no NETLINK_NETFILTER) throws its errno from list', async () => {
  const c = new CtnetlinkClient({ open: () => { throw errnoError('EPROTONOSUPPORT'); } });
  await assert.rejects(c.list('ipv4', wan1.v4), /EPROTONOSUPPORT/);
});
