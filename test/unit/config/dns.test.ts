// DNS that follows the link (issue 22): a link's static `dns` list (either family) and the `dns:`
// section's resolv_file; every bad value names file, key, value and what was expected; both
// reload in place.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, parseConfigReport } from '../../../src/config/load.js';
import { planReload } from '../../../src/config/reload.js';
import { configProblems } from './helpers.js';

const HEAD = `api_key: ${'k'.repeat(32)}\nping_targets: [198.51.100.1]\n`;
const withLinks = (dns1: string, extra = ''): string =>
  `${HEAD}links:\n  - {name: wan1, interface: wan1${dns1}}\n  - {name: wan2, interface: wan2}\n${extra}`;
const parse = (text: string): ReturnType<typeof parseConfig> => parseConfig(text, '/etc/x.yaml');

describe('links[].dns', () => {
  it('absent: no static servers (the dhclient hook\'s apply)', () => {
    assert.equal(parse(withLinks('')).links[0]!.dns, undefined);
  });

  it('takes both families, IPv6 in RFC 5952 form', () => {
    assert.deepEqual(parse(withLinks(', dns: [198.51.100.53, "2001:DB8:0:0::53"]')).links[0]!.dns, ['198.51.100.53', '2001:db8::53']);
  });

  it('refuses anything but a non-empty list of unicast addresses listed once, naming links[i].dns', () => {
    for (const bad of ['198.51.100.53', '[]', '[nope]', '[127.0.0.1]', '[224.0.0.1]', '["fe80::1"]', '["::1"]', '[198.51.100.53, 198.51.100.53]', '[5]']) {
      const { problems, error } = configProblems(() => parse(withLinks(`, dns: ${bad}`)));
      assert.deepEqual(problems.map((p) => p.key), ['links[0].dns'], bad);
      assert.match(error.message, /\/etc\/x\.yaml: links\[0\]\.dns: got .*, expected a list of DNS server addresses/, bad);
    }
  });

  it('works in the primary/secondary form too', () => {
    const cfg = parse(`${HEAD}primary: {interface: eth0, dns: [203.0.113.53]}\nsecondary: {interface: eth1}\n`);
    assert.deepEqual(cfg.links[0]!.dns, ['203.0.113.53']);
    const { problems } = configProblems(() => parse(`${HEAD}primary: {interface: eth0}\nsecondary: {interface: eth1, dns: [x]}\n`));
    assert.deepEqual(problems.map((p) => p.key), ['secondary.dns']);
  });
});

describe('dns.resolv_file', () => {
  it('absent: no dns section, nothing written', () => {
    assert.equal(parse(withLinks('')).dns, undefined);
  });

  it('an absolute path', () => {
    assert.deepEqual(parse(withLinks('', 'dns: {resolv_file: /run/wan-failover/resolv.conf}\n')).dns, { resolvFile: '/run/wan-failover/resolv.conf' });
  });

  it('refuses a relative path or a non-mapping; an unknown key warns', () => {
    const rel = configProblems(() => parse(withLinks('', 'dns: {resolv_file: run/resolv.conf}\n')));
    assert.match(rel.error.message, /dns\.resolv_file: got "run\/resolv\.conf", expected an absolute file path/);
    assert.deepEqual(configProblems(() => parse(withLinks('', 'dns: /run/x\n'))).problems.map((p) => p.key), ['dns']);
    const report = parseConfigReport(withLinks('', 'dns: {resolv_file: /run/r, resolvfile: /x}\n'), '/etc/x.yaml');
    assert.deepEqual(report.warnings.map((w) => w.key), ['dns.resolvfile']);
  });
});

describe('reload', () => {
  it('a link\'s dns and dns.resolv_file apply in place', () => {
    const running = parse(withLinks(''));
    const plan = planReload(running, parse(withLinks(', dns: [198.51.100.53]', 'dns: {resolv_file: /run/r}\n')));
    assert.deepEqual(plan.changed.sort(), ['dns', 'links']);
    assert.deepEqual(plan.needRestart, []);
    assert.deepEqual(plan.applied.links[0]!.dns, ['198.51.100.53']);
    assert.deepEqual(plan.applied.dns, { resolvFile: '/run/r' });
  });

  it('another link change beside dns still waits for a restart', () => {
    const running = parse(withLinks(''));
    const plan = planReload(running, parse(withLinks(', dns: [198.51.100.53], table: 500')));
    assert.deepEqual(plan.needRestart, ['links']);
    assert.equal(plan.applied.links[0]!.dns, undefined);
  });
});

describe('config.example.yaml', () => {
  it('its commented dns: section and a link\'s dns line are valid once uncommented', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const lines = readFileSync(fileURLToPath(new URL('../../../../config.example.yaml', import.meta.url)), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('# dns:'));
    const block = [lines[start]!.slice(2), lines[start + 1]!.slice(2)].join('\n');
    const dnsLine = lines.find((l) => /^\s+# dns: \[/.test(l))!.replace(/#.*?dns:/, 'dns:').replace(/\s+#.*$/, '').trim();
    const cfg = parse(`${HEAD}primary: {interface: eth0, ${dnsLine}}\nsecondary: {interface: eth1}\n${block}\n`);
    assert.deepEqual(cfg.dns, { resolvFile: '/run/wan-failover/resolv.conf' });
    assert.deepEqual(cfg.links[0]!.dns, ['198.51.100.53']);
  });
});
