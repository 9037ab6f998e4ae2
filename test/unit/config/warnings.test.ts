// The warning/error split: what the original daemon ran still runs (a warning says what we made of
// it); only a config that truly cannot work is an error. Interfaces come from a fake host.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HostInterfaces } from '../../../src/config/host-interfaces.js';
import { loadConfigReport, parseConfigReport, type ConfigWarning } from '../../../src/config/load.js';
import { reportLines } from '../../../src/config/report-lines.js';
import { effectivePeriodMs, failoverWindowMs } from '../../../src/config/timing.js';
import { configProblems, fixture, keysOf } from './helpers.js';

const KEY = 'api_key: "0123456789abcdef0123456789abcdef"\n';
const LINKS = 'primary: { interface: wan0 }\nsecondary: { interface: wan1 }\n';
const host = (names: string[] | null): HostInterfaces => ({ names: () => names });
const keys = (ws: readonly ConfigWarning[]): string[] => ws.map((w) => w.key).sort();
const report = (text: string, names: string[] | null = null): ReturnType<typeof parseConfigReport> =>
  parseConfigReport(text, '/etc/x.yaml', names === null ? {} : { interfaces: host(names) });

describe('ping_timeout >= check_interval: runs, with the effective period', () => {
  test('equal (1 s / 1 s): a warning naming both values, the effective period and the failover window', () => {
    const r = report(`${LINKS}${KEY}check_interval: 1\nping_timeout: 1\n`);
    assert.equal(r.config.checkIntervalMs, 1000);
    assert.equal(r.config.pingTimeoutMs, 1000);
    assert.deepEqual(keys(r.warnings), ['ping_timeout']);
    const w = r.warnings[0]!;
    assert.equal(w.value, 1);
    assert.match(w.message, /ping_timeout \(1 s\) is not less than check_interval \(1 s\)/);
    assert.match(w.message, /max\(check_interval, ping_timeout\) = 1 s/);
    // failure_threshold 3: (3 - 1) * 1 + 1 = 3 s .. + check_interval = 4 s
    assert.match(w.message, /declared down 3 s to 4 s after it fails/);
  });

  test("the original's default ping_timeout 1.5 with check_interval 1", () => {
    const r = report(`${LINKS}${KEY}check_interval: 1\n`);
    assert.deepEqual(keys(r.warnings), ['ping_timeout']);
    assert.match(r.warnings[0]!.message, /= 1\.5 s plus/);
  });

  test('the fixture that was an error before loads', () => {
    const r = loadConfigReport(fixture('warn-timeout-ge-interval.yaml'));
    assert.ok(r.warnings.some((w) => w.key === 'ping_timeout'));
  });

  test('less than check_interval: no timing warning', () => {
    assert.deepEqual(keys(report(`${LINKS}${KEY}check_interval: 3\nping_timeout: 1.5\n`).warnings), []);
  });

  test('effective period and failover window', () => {
    assert.equal(effectivePeriodMs({ checkIntervalMs: 3000, pingTimeoutMs: 1500, failureThreshold: 3 }), 3000);
    assert.equal(effectivePeriodMs({ checkIntervalMs: 1000, pingTimeoutMs: 2500, failureThreshold: 3 }), 2500);
    assert.deepEqual(failoverWindowMs({ checkIntervalMs: 3000, pingTimeoutMs: 1500, failureThreshold: 3 }), { minMs: 7500, maxMs: 10500 });
    assert.deepEqual(failoverWindowMs({ checkIntervalMs: 1000, pingTimeoutMs: 1000, failureThreshold: 5 }), { minMs: 5000, maxMs: 6000 });
    assert.deepEqual(failoverWindowMs({ checkIntervalMs: 1000, pingTimeoutMs: 2000, failureThreshold: 1 }), { minMs: 2000, maxMs: 3000 });
  });
});

describe('unknown keys: ignored with a warning, as the original ignored them', () => {
  test('top level', () => {
    const r = loadConfigReport(fixture('warn-unknown-key.yaml'));
    assert.ok(r.warnings.some((w) => w.key === 'pign_targets' && /unknown key "pign_targets" ignored/.test(w.message)));
    assert.deepEqual(r.config.pingTargets, ['8.8.8.8', '1.1.1.1', '9.9.9.9']);
  });

  test('inside a link section and a links[] entry', () => {
    assert.ok(report(`primary: { interface: wan0, metric: 5 }\nsecondary: { interface: wan1 }\n${KEY}`).warnings
      .some((w) => w.key === 'primary.metric'));
    const r = loadConfigReport(fixture('warn-link-unknown-key.yaml'));
    assert.ok(r.warnings.some((w) => w.key === 'links[1].metric'));
    assert.deepEqual(r.config.links.map((l) => l.interface), ['eth0', 'eth1']);
  });
});

describe('defaults: an empty file runs on the original defaults and says what it defaulted', () => {
  test('interfaces defaulted are warnings; the other original keys are listed', () => {
    const r = report('');
    assert.deepEqual(r.config.links.map((l) => l.interface), ['eth0', 'eth1']);
    const msgs = r.warnings.map((w) => w.message);
    assert.ok(msgs.includes('primary.interface not set: using eth0'), msgs.join('\n'));
    assert.ok(msgs.includes('secondary.interface not set: using eth1'), msgs.join('\n'));
    assert.ok(r.defaulted.some((d) => d.key === 'check_interval' && d.value === 3));
    assert.ok(r.defaulted.some((d) => d.key === 'ping_timeout' && d.value === 1.5));
  });

  test('a set interface is not reported as defaulted; the links form has no defaults', () => {
    const r = report(`primary: { interface: wan0 }\n${KEY}`);
    assert.deepEqual(keys(r.warnings), ['secondary.interface']);
    const l = report(`links: [{ name: a, interface: wan0 }, { name: b, interface: wan1 }]\n${KEY}`);
    assert.deepEqual(keys(l.warnings), []);
  });

  test('keys that are set are not listed as defaulted', () => {
    const r = report(`${LINKS}${KEY}check_interval: 5\n`);
    assert.ok(!r.defaulted.some((d) => d.key === 'check_interval'));
  });
});

describe('interfaces that do not exist on this machine: a warning (the daemon waits for them)', () => {
  test('missing ones are named, with what is present', () => {
    const r = report(`${LINKS}${KEY}`, ['lo', 'wan0']);
    assert.deepEqual(keys(r.warnings), ['secondary.interface']);
    assert.match(r.warnings[0]!.message, /"wan1" does not exist on this machine \(present: lo, wan0\)/);
  });

  test('links[] entries are named by their index', () => {
    const r = report(`links: [{ name: a, interface: wan0 }, { name: b, interface: ppp0 }]\n${KEY}`, ['lo', 'wan0']);
    assert.deepEqual(keys(r.warnings), ['links[1].interface']);
  });

  test('all present, or the host cannot tell: no warning', () => {
    assert.deepEqual(keys(report(`${LINKS}${KEY}`, ['lo', 'wan0', 'wan1']).warnings), []);
    assert.deepEqual(keys(report(`${LINKS}${KEY}`, null).warnings), []);
  });
});

describe('api_key: a weak key turns the API off, not the daemon', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['the placeholder', 'api_key: "CHANGE_ME_TO_A_RANDOM_STRING"\n', /example placeholder/],
    ['empty', 'api_key: ""\n', /api_key is empty/],
    ['short', 'api_key: "zq7secret"\n', /too short \(9 characters/],
    ['not set', '', /api_key is not set/],
    ['null', 'api_key:\n', /api_key is not set/],
  ];
  for (const [name, line, re] of cases) {
    test(`${name}: loads with one api_key warning, the key never echoed`, () => {
      const r = report(`${LINKS}${line}`);
      const w = r.warnings.filter((x) => x.key === 'api_key');
      assert.equal(w.length, 1);
      assert.match(w[0]!.message, re);
      assert.match(w[0]!.message, /503 WAN_ERR_API_DISABLED/);
      assert.ok(!w[0]!.message.includes('zq7secret'));
      assert.notEqual(w[0]!.value, 'zq7secret');
    });
  }

  test('a good key: no warning, and the config carries it', () => {
    const r = report(`${LINKS}${KEY}`);
    assert.deepEqual(keys(r.warnings), []);
    assert.equal(r.config.apiKey, '0123456789abcdef0123456789abcdef');
  });

  test('not set: the config carries an empty key', () => {
    assert.equal(report(LINKS).config.apiKey, '');
  });

  test('a number is still an error (YAML read digits as a number: the key is not what was written)', () => {
    const { problems } = configProblems(() => parseConfigReport('api_key: 1234567890123456789\n', '/etc/x.yaml'));
    assert.deepEqual(keysOf(problems), ['api_key']);
  });
});

describe('log_file and the hardened unit', () => {
  test("the original's /var/log/wan-failover.log: a warning naming the writable directory", () => {
    const r = report(`${LINKS}${KEY}log_file: /var/log/wan-failover.log\n`);
    assert.deepEqual(keys(r.warnings), ['log_file']);
    assert.match(r.warnings[0]!.message, /\/var\/log\/wan-failover\/wan-failover\.log/);
  });

  test('inside /var/log/wan-failover/, elsewhere, or none: no warning', () => {
    for (const v of ['/var/log/wan-failover/x.log', '/tmp/x.log', '""']) {
      assert.deepEqual(keys(report(`${LINKS}${KEY}log_file: ${v}\n`).warnings), [], v);
    }
  });
});

describe('what stays an error: configs that cannot work', () => {
  test('min_targets_up above the number of targets (no cycle could ever succeed)', () => {
    const { problems } = configProblems(() => parseConfigReport(`${LINKS}ping_targets: [198.51.100.1]\nmin_targets_up: 2\n`, '/etc/x.yaml'));
    assert.deepEqual(keysOf(problems), ['min_targets_up']);
  });

  test('a bad value, a duplicate interface, links and primary together', () => {
    for (const text of ['ping_timeout: -1\n', 'primary: { interface: eth0 }\nsecondary: { interface: eth0 }\n',
      'primary: { interface: eth0 }\nlinks: [{ name: a, interface: a }, { name: b, interface: b }]\n']) {
      configProblems(() => parseConfigReport(text, '/etc/x.yaml'));
    }
  });
});

describe('report lines (--check, check-config)', () => {
  test('warnings, then defaults, then ok with the count', () => {
    const lines = reportLines('/etc/x.yaml', report(`primary: { interface: wan0 }\n${KEY}`));
    assert.deepEqual(lines.slice(0, 1), ['/etc/x.yaml: warning: secondary.interface not set: using eth1']);
    assert.match(lines[1]!, /^\/etc\/x\.yaml: defaults used for keys not set: ping_targets \["8\.8\.8\.8","1\.1\.1\.1","9\.9\.9\.9"\], /);
    assert.equal(lines.at(-1), 'ok: /etc/x.yaml (1 warning; it runs as it is)');
  });

  test('nothing to say: just ok', () => {
    const full = `${LINKS}${KEY}ping_targets: [198.51.100.1]\nping_timeout: 1\nping_count: 1\ncheck_interval: 2\nfailure_threshold: 3\n`
      + 'recovery_threshold: 5\nmin_secondary_time: 30\ngateway_state_dir: /x\napi_host: 127.0.0.1\napi_port: 1\nlog_file: ""\nlog_level: INFO\n';
    assert.deepEqual(reportLines('/etc/x.yaml', report(full)), ['ok: /etc/x.yaml']);
  });
});
