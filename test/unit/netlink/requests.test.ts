import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NLM_F, addRuleRequest, deleteDefaultRouteRequest, deleteRouteRequest, deleteRuleRequest, replaceDefaultRouteRequest,
} from '../../../src/netlink/requests.js';

test('replace default route in main: one NEWROUTE with CREATE|REPLACE, header table, no RTA_TABLE', () => {
  const r = replaceDefaultRouteRequest({ table: 254, gateway: '198.51.100.1', oif: 3, metric: 100, protocol: 201 });
  assert.equal(r.type, 24);
  assert.equal(r.flags, NLM_F.CREATE | NLM_F.REPLACE);
  assert.deepEqual(r.data, { family: 2, dstLen: 0, srcLen: 0, tos: 0, table: 254, protocol: 201, scope: 0, type: 1 });
  assert.deepEqual(r.attrs, { gateway: Buffer.from([198, 51, 100, 1]), oif: 3, priority: 100 });
});

test('replace default route in table > 255: header RT_TABLE_UNSPEC plus RTA_TABLE', () => {
  const r = replaceDefaultRouteRequest({ table: 1000, gateway: '203.0.113.1', oif: 4, metric: 10, protocol: 201 });
  assert.equal(r.data.table, 0);
  assert.equal(r.attrs.table, 1000);
});

test('replace rejects IPv6 gateways and bad tables', () => {
  assert.throws(() => replaceDefaultRouteRequest({ table: 254, gateway: '2001:db8::1', oif: 1, metric: 1, protocol: 201 }), RangeError);
  assert.throws(() => replaceDefaultRouteRequest({ table: 0, gateway: '198.51.100.1', oif: 1, metric: 1, protocol: 201 }), RangeError);
});

test('delete default route: DELROUTE, scope NOWHERE, protocol optional', () => {
  const any = deleteDefaultRouteRequest({ table: 254, metric: 100 });
  assert.equal(any.type, 25);
  assert.equal(any.flags, 0);
  assert.equal(any.data.scope, 255);
  assert.equal(any.data.protocol, 0);
  assert.deepEqual(any.attrs, { priority: 100 });
  const ours = deleteDefaultRouteRequest({ table: 300, metric: 5, protocol: 201 });
  assert.equal(ours.data.protocol, 201);
  assert.deepEqual(ours.attrs, { table: 300, priority: 5 });
});

test('rules: NEWRULE with CREATE|EXCL, DELRULE without flags, FRA_* attrs', () => {
  const spec = { priority: 1000, oifname: 'wan0', table: 1000, protocol: 201 };
  const add = addRuleRequest(spec);
  assert.equal(add.type, 32);
  assert.equal(add.flags, NLM_F.CREATE | NLM_F.EXCL);
  assert.deepEqual(add.data, { family: 2, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 1 });
  assert.deepEqual(add.attrs, { table: 1000, priority: 1000, oifname: 'wan0', protocol: 201 });
  const del = deleteRuleRequest({ ...spec, table: 100 });
  assert.equal(del.type, 33);
  assert.equal(del.flags, 0);
  assert.equal(del.data.table, 100);
});

test('IPv6 replace: AF_INET6 header, 16-byte link-local gateway, oif and metric', () => {
  const r = replaceDefaultRouteRequest({ family: 'inet6', table: 254, gateway: 'fe80::1', oif: 7, metric: 512, protocol: 201 });
  assert.equal(r.type, 24);
  assert.equal(r.flags, NLM_F.CREATE | NLM_F.REPLACE);
  assert.deepEqual(r.data, { family: 10, dstLen: 0, srcLen: 0, tos: 0, table: 254, protocol: 201, scope: 0, type: 1 });
  assert.deepEqual(r.attrs, { gateway: Buffer.from('fe800000000000000000000000000001', 'hex'), oif: 7, priority: 512 });
  const t = replaceDefaultRouteRequest({ family: 'inet6', table: 1001, gateway: '2001:db8:1::1', oif: 7, metric: 1, protocol: 201 });
  assert.equal(t.data.table, 0);
  assert.equal(t.attrs.table, 1001);
});

test('IPv6 replace refuses an IPv4 gateway, metric 0 (the kernel reads it as 1024) and an unknown family', () => {
  assert.throws(() => replaceDefaultRouteRequest({ family: 'inet6', table: 254, gateway: '198.51.100.1', oif: 1, metric: 5, protocol: 201 }), /must be IPv6/);
  assert.throws(() => replaceDefaultRouteRequest({ family: 'inet6', table: 254, gateway: 'fe80::1', oif: 1, metric: 0, protocol: 201 }), /1024/);
  assert.throws(() => replaceDefaultRouteRequest({ family: 'inet5' as never, table: 254, gateway: 'fe80::1', oif: 1, metric: 5, protocol: 201 }), /family/);
});

test('IPv6 delete and rules carry AF_INET6; family defaults to inet', () => {
  const del = deleteDefaultRouteRequest({ family: 'inet6', table: 1001, metric: 0, protocol: 201 });
  assert.equal(del.data.family, 10);
  assert.deepEqual(del.attrs, { table: 1001, priority: 0 });
  const spec = { priority: 1000, oifname: 'wan0', table: 1001, protocol: 201 };
  assert.equal(addRuleRequest({ ...spec, family: 'inet6' }).data.family, 10);
  assert.equal(deleteRuleRequest({ ...spec, family: 'inet6' }).data.family, 10);
  assert.equal(addRuleRequest(spec).data.family, 2);
  assert.equal(deleteDefaultRouteRequest({ table: 254, metric: 1 }).data.family, 2);
});

test('deleteRouteRequest names the prefix of a non-default route (an earlier run\'s route of ours in any table)', () => {
  const del = deleteRouteRequest({ family: 'inet', table: 1000, dst: '198.18.0.0', dstLength: 15, metric: 7, protocol: 201 });
  assert.equal(del.data.dstLen, 15);
  assert.deepEqual([...del.attrs.dst!], [198, 18, 0, 0]);
  assert.equal(del.attrs.priority, 7);
  assert.equal(del.data.protocol, 201);
  assert.throws(() => deleteRouteRequest({ family: 'inet6', table: 1, dst: '198.18.0.0', dstLength: 15, metric: 1 }), RangeError);
});

test('deleteRuleRequest names every selector the rule has (the kernel compares only what is named)', () => {
  const del = deleteRuleRequest({ priority: 900, table: 1000, protocol: 201, oifname: null, iifname: 'lan0', fwmark: 7, src: '198.51.100.0', srcLength: 24 });
  assert.equal(del.attrs.iifname, 'lan0');
  assert.equal(del.attrs.fwmark, 7);
  assert.equal(del.attrs.oifname, undefined);
  assert.equal(del.data.srcLen, 24);
  assert.deepEqual([...del.attrs.src!], [198, 51, 100, 0]);
});
