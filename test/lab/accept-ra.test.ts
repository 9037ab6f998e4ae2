// Root-only: checkAcceptRa against the real /proc/sys of a throw-away `wfm-` namespace with IPv6
// forwarding on (the router's case): the warning, then accept_ra set to 2 when allowed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { addNetns, deleteNetns, ip, isRoot } from './netlink-netns.js';

const skip = isRoot() ? false : 'needs root (network namespaces)';
const MODULE = new URL('../../src/routes/accept-ra.js', import.meta.url).href;
const namespaces: string[] = [];
let ns = '';

function checkInNs(set: boolean): { acceptRa: number; forwarding: number; changed: boolean; warning: string | null } {
  const script = `import(${JSON.stringify(MODULE)}).then(async (m) => console.log(JSON.stringify(await m.checkAcceptRa('wan0', { set: ${set} }))))`;
  const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { encoding: 'utf8', timeout: 10_000 });
  return JSON.parse(out.trim()) as { acceptRa: number; forwarding: number; changed: boolean; warning: string | null };
}

before(() => {
  if (skip) return;
  ns = addNetns('ra');
  namespaces.push(ns);
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1'], { timeout: 10_000 });
  ip(['-n', ns, 'link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wan0p']);
});

after(() => deleteNetns(namespaces));

test('forwarding on + accept_ra 1: warned; with ipv6_set_accept_ra it becomes 2 in the kernel', { skip }, () => {
  const warned = checkInNs(false);
  assert.deepEqual([warned.forwarding, warned.acceptRa, warned.changed], [1, 1, false]);
  assert.match(warned.warning ?? '', /wan0.*ignores router advertisements/);
  const set = checkInNs(true);
  assert.deepEqual([set.acceptRa, set.changed, set.warning], [2, true, null]);
  const now = execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/sys/net/ipv6/conf/wan0/accept_ra'], { encoding: 'utf8' }).trim();
  assert.equal(now, '2');
  assert.equal(checkInNs(false).warning, null, 'nothing left to say');
});
