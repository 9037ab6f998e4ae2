// Probe methods beyond ICMP (issue 23) with the real daemon in the namespace lab: TCP, DNS and
// HTTP(S) targets judged like echoes, and every probe leaving through the link it judges.
// The responder (lab/probe-responder.ts) answers in the internet namespace; faults are nftables
// rules in the primary's ISP namespace. Windows are bounded; no timing is asserted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { activeIface, notRoot, sleep, status, switches, waitFor, withRig, type Rig } from './support.js';
import { captivePortal, countForwarded, dropForwarded, readCounters, startResponder } from './probe-methods-support.js';

const T1 = '198.51.100.1';
const T2 = '203.0.113.1';
const TCP = `tcp://${T1}:443`;
const DNS = `dns://${T2}/example.com`;
const HTTP = `http://${T1}/generate_204`;
const PORTAL_PORT = 8302;

async function responders(rig: Rig): Promise<void> {
  await startResponder(rig.lab, rig.lab.netNs, [
    { kind: 'tcp', address: T1, port: 443 },
    { kind: 'dns', address: T2, port: 53 },
    { kind: 'http', address: T1, port: 80, status: 204 },
  ]);
}

const targetOf = (link: Record<string, any>, key: string): Record<string, any> => link.targets.find((t: { target: string }) => t.target === key);

test('ICMP dropped by the primary\'s ISP with TCP, DNS and HTTP targets: no switch; the standby\'s probes leave through the standby', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('pm-icmp', async (rig) => {
    await responders(rig);
    const [w1, w2] = [rig.lab.links[0]!.address, rig.lab.links[1]!.address];
    const counters = (from: string): Record<string, string> => ({
      tcp: `ip saddr ${from} tcp dport 443`, dns: `ip saddr ${from} udp dport 53`, http: `ip saddr ${from} tcp dport 80`,
    });
    await countForwarded(rig.lab.ispNs(1), { ...prefixed('w1', counters(w1)), ...prefixed('w2', counters(w2)) });
    await countForwarded(rig.lab.ispNs(2), { ...prefixed('w1', counters(w1)), ...prefixed('w2', counters(w2)) });
    const d = await rig.start({ ping_targets: [TCP, DNS, HTTP], min_targets_up: 3 });
    await waitFor('both links judged up', async () => {
      const st = await status(rig, d);
      return st.primary.healthy === true && st.secondary.healthy === true && targetOf(st.secondary, HTTP)?.up === true;
    });
    await dropForwarded(rig.lab.ispNs(1), 'meta l4proto icmp');
    // A bounded window of ~12 checks (check_interval 1, failure_threshold 3): long enough for 4 failovers.
    await sleep(12_000);
    assert.equal(switches(d).length, 0, 'no switch: TCP, DNS and HTTP still pass the primary');
    assert.equal(await activeIface(rig), 'wan1');
    const st = await status(rig, d);
    assert.equal(st.primary.healthy, true);
    assert.deepEqual(st.primary.targets.map((t: Record<string, unknown>) => [t.target, t.method, t.up, t.last_error]), [
      [TCP, 'tcp', true, null], [DNS, 'dns', true, null], [HTTP, 'http', true, null],
    ]);
    const isp1 = await readCounters(rig.lab.ispNs(1));
    const isp2 = await readCounters(rig.lab.ispNs(2));
    for (const k of ['tcp', 'dns', 'http']) {
      assert.ok((isp2[`w2-${k}`] ?? 0) > 0, `the standby's ${k} probes are counted in its own ISP (${JSON.stringify(isp2)})`);
      assert.equal(isp1[`w2-${k}`], 0, `none of the standby's ${k} probes left through the active link`);
      assert.ok((isp1[`w1-${k}`] ?? 0) > 0, `the active link's ${k} probes are counted in its ISP`);
      assert.equal(isp2[`w1-${k}`], 0, `none of the active link's ${k} probes left through the standby`);
    }
  });
});

function prefixed(p: string, m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [`${p}-${k}`, v]));
}

test('control: the same ICMP fault with only ICMP targets fails over', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('pm-ctl', async (rig) => {
    await rig.start({ ping_targets: [T1, T2] });
    await dropForwarded(rig.lab.ispNs(1), 'meta l4proto icmp');
    await waitFor('failover to wan2', async () => (await activeIface(rig)) === 'wan2');
  });
});

test('DNS-only outage with min_targets_up = all targets: the link goes down and says which target failed', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('pm-dns', async (rig) => {
    await responders(rig);
    const d = await rig.start({ ping_targets: [T1, T2, DNS], min_targets_up: 3 });
    await waitFor('primary judged up', async () => (await status(rig, d)).primary.healthy === true);
    await dropForwarded(rig.lab.ispNs(1), 'udp dport 53');
    await waitFor('failover to wan2', async () => (await activeIface(rig)) === 'wan2');
    const st = await status(rig, d);
    assert.equal(st.primary.healthy, false);
    assert.equal(targetOf(st.primary, DNS).last_error, 'timeout');
    assert.equal(targetOf(st.primary, T1).last_error, null, 'the ICMP targets still answer');
    assert.match(String(st.primary.state_reason), new RegExp(`${DNS.replace(/[/.]/g, '\\$&')}: timeout`));
  });
});

test('captive portal (HTTP 302 on the primary): the link is declared down with status "HTTP 302"', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('pm-cap', async (rig) => {
    await responders(rig);
    await startResponder(rig.lab, rig.lab.ispNs(1), [{ kind: 'http', address: '0.0.0.0', port: PORTAL_PORT, status: 302, location: 'http://198.51.100.200/login' }]);
    const d = await rig.start({ ping_targets: [{ target: HTTP, expect_status: 204 }, T2], min_targets_up: 2 });
    await waitFor('primary judged up', async () => (await status(rig, d)).primary.healthy === true);
    await captivePortal(rig.lab.ispNs(1), T1, PORTAL_PORT);
    await waitFor('failover to wan2', async () => (await activeIface(rig)) === 'wan2');
    const st = await status(rig, d);
    assert.deepEqual([targetOf(st.primary, HTTP).method, targetOf(st.primary, HTTP).last_error], ['http', 'HTTP 302']);
    assert.match(String(st.primary.state_reason), /HTTP 302/);
    assert.equal(targetOf(st.secondary, HTTP).up, true, 'the standby reaches the real target');
  });
});

/** A self-signed certificate for `subjectAltName` (e.g. "DNS:probe.test,IP:198.51.100.1") in `dir`. */
function certificate(dir: string, name: string, san: string): { cert: string; key: string } {
  const [key, cert] = [join(dir, `${name}.key`), join(dir, `${name}.pem`)];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
  return { cert, key };
}

test('continuous mode, both families: TCP, DNS, HTTP(S) through each link; certificates verified against host or IP unless insecure', { skip: notRoot, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-pm-tls-'));
  try {
    // `trusted` is in the daemon's CA store (NODE_EXTRA_CA_CERTS, beside the system's); `stranger` is not.
    const trusted = certificate(dir, 'trusted', `DNS:probe.test,IP:${T1}`);
    const stranger = certificate(dir, 'stranger', `IP:${T1}`);
    await withRig('pm-v6', async (rig) => {
      const [S1, S2] = rig.lab.targets6 as [string, string];
      await startResponder(rig.lab, rig.lab.netNs, [
        { kind: 'tcp', address: S1, port: 443 }, { kind: 'dns', address: S2, port: 53 }, { kind: 'http', address: S1, port: 80, status: 204 },
        { kind: 'https', address: T1, port: 443, status: 200, ...trusted },
        { kind: 'https', address: T1, port: 8443, status: 200, ...stranger },
      ]);
      const TCP6 = `tcp://[${S1}]:443`;
      const DNS6 = `dns://[${S2}]/example.com?type=AAAA`;
      const HTTP6 = `http://[${S1}]/generate_204`;
      const BY_NAME = `https://${T1}/by-name`;
      const BY_IP = `https://${T1}/by-ip`;
      const WRONG_NAME = `https://${T1}/wrong-name`;
      const INSECURE = `https://${T1}:8443/insecure`;
      const UNTRUSTED = `https://${T1}:8443/untrusted`;
      const d = await rig.start({
        probe_interval: 0.2, ping_timeout: 0.4, min_targets_up: 1,
        ping_targets: [{ target: BY_NAME, host: 'probe.test' }, BY_IP, { target: WRONG_NAME, host: 'other.test' },
          { target: INSECURE, insecure: true }, UNTRUSTED, T2, TCP6, DNS6, HTTP6, S1],
      }, { commandPrefix: ['env', `NODE_EXTRA_CA_CERTS=${trusted.cert}`] });
      await waitFor('every method answers on both links', async () => {
        const st = await status(rig, d);
        return st.links.every((l: Record<string, any>) => [BY_NAME, BY_IP, INSECURE].every((k) => targetOf(l, k)?.up === true)
          && targetOf(l, WRONG_NAME)?.last_error !== null && [TCP6, DNS6, HTTP6].every((k) => targetOf(l.ipv6, k)?.up === true));
      }, 30_000);
      const st = await status(rig, d);
      for (const l of st.links) {
        for (const k of [BY_NAME, BY_IP, INSECURE]) assert.deepEqual([targetOf(l, k).method, targetOf(l, k).last_error], ['https', null], k);
        assert.equal(targetOf(l, WRONG_NAME).last_error, 'TLS ERR_TLS_CERT_ALTNAME_INVALID', 'the certificate does not name other.test');
        assert.match(String(targetOf(l, UNTRUSTED).last_error), /^TLS (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/, 'not signed by a trusted CA');
        assert.deepEqual([TCP6, DNS6, HTTP6].map((k) => [targetOf(l.ipv6, k).method, targetOf(l.ipv6, k).last_error]), [['tcp', null], ['dns', null], ['http', null]]);
      }
      assert.ok(d.logs.some((l) => JSON.stringify(l).includes(`${INSECURE}: insecure: true`)), 'insecure: true is warned about');
    }, { ipv6: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
