import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operstateName, protocolName, protocolNumber, scopeName, scopeNumber, tableName } from '../../../src/netlink/names.js';

test('protocolName: kernel numbers, config extras win, unknown is the number', () => {
  assert.equal(protocolName(0), 'unspec');
  assert.equal(protocolName(2), 'kernel');
  assert.equal(protocolName(3), 'boot');
  assert.equal(protocolName(4), 'static');
  assert.equal(protocolName(16), 'dhcp');
  assert.equal(protocolName(201), '201');
  assert.equal(protocolName(201, { 201: 'wanfailover' }), 'wanfailover');
  assert.equal(protocolNumber('DHCP'), 16);
  assert.equal(protocolNumber('nope'), undefined);
});

test('tableName: reserved ids by name, user tables by number', () => {
  assert.equal(tableName(253), 'default');
  assert.equal(tableName(254), 'main');
  assert.equal(tableName(255), 'local');
  assert.equal(tableName(1000), '1000');
  assert.equal(tableName(1000, { 1000: 'wan1' }), 'wan1');
});

test('scope and operstate names', () => {
  assert.equal(scopeName(0), 'universe');
  assert.equal(scopeName(253), 'link');
  assert.equal(scopeNumber('HOST'), 254);
  assert.equal(operstateName(6), 'up');
  assert.equal(operstateName(2), 'down');
  assert.equal(operstateName(3), 'lowerlayerdown');
  assert.equal(operstateName(undefined), 'unknown');
  assert.equal(operstateName(42), 'unknown');
});
