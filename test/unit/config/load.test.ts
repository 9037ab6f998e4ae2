// Valid configurations: the seed file unchanged, defaults, the links form and normalisation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { configProblems, fixture, keysOf } from './helpers.js';

test('the seed config.yaml loads with the seed values', () => {
  const path = fixture('seed.yaml');
  const c = loadConfig(path);
  assert.deepEqual(c.links, [
    { name: 'primary', interface: 'eth0', displayName: 'Telekom', gateway: null, table: 1000 },
    { name: 'secondary', interface: 'eth1', displayName: 'Digi', gateway: null, table: 1001 },
  ]);
  assert.deepEqual(c.pingTargets, ['8.8.8.8', '1.1.1.1', '9.9.9.9']);
  assert.equal(c.pingTimeoutMs, 1500);
  assert.equal(c.pingCount, 1);
  assert.equal(c.checkIntervalMs, 3000);
  assert.equal(c.failureThreshold, 3);
  assert.equal(c.recoveryThreshold, 5);
  assert.equal(c.minSecondaryTimeMs, 30000);
  assert.equal(c.gatewayStateDir, '/var/lib/wan-failover');
  assert.equal(c.apiHost, '0.0.0.0');
  assert.equal(c.apiPort, 8780);
  assert.equal(c.apiKey, 'CHANGE_ME_TO_A_RANDOM_STRING');
  assert.equal(c.logFile, '/var/log/wan-failover/wan-failover.log');
  assert.equal(c.logLevel, 'info');
  assert.equal(c.sourcePath, path);
});

test('an empty file gives every default', () => {
  const c = parseConfig('', '/etc/wan-failover/config.yaml');
  assert.deepEqual(c, {
    links: [
      { name: 'primary', interface: 'eth0', displayName: 'primary', gateway: null, table: 1000 },
      { name: 'secondary', interface: 'eth1', displayName: 'secondary', gateway: null, table: 1001 },
    ],
    pingTargets: ['8.8.8.8', '1.1.1.1', '9.9.9.9'],
    pingTimeoutMs: 1500,
    policyRulePriority: 2000,
    replyRouting: true,
    pingCount: 1,
    checkIntervalMs: 3000,
    failureThreshold: 3,
    recoveryThreshold: 5,
    minSecondaryTimeMs: 30000,
    minTargetsUp: 1,
    statsWindow: 20,
    gatewayStateDir: '/var/lib/wan-failover',
    stateDir: '/var/lib/wan-failover',
    apiHost: '0.0.0.0',
    apiPort: 8780,
    apiKey: '',
    logFile: '/var/log/wan-failover/wan-failover.log',
    logLevel: 'info',
    routeMetric: 0,
    routeProtocol: 201,
    rulePriority: 1000,
    rpFilterLoose: true,
    pingTargets6: [],
    routeMetric6: 1,
    ipv6SetAcceptRa: false,
    conntrackFlush: 'on_switch',
    metricsPublic: false,
    hooks: [],
    webhooks: [],
    sourcePath: '/etc/wan-failover/config.yaml',
  });
});

test('a partial link section keeps the defaults of its other keys', () => {
  const c = parseConfig('primary:\n  interface: wan0\n  gateway: 198.51.100.1\n  table: 77\n', 'x.yaml');
  assert.deepEqual(c.links[0], { name: 'primary', interface: 'wan0', displayName: 'primary', gateway: '198.51.100.1', table: 77 });
  assert.deepEqual(c.links[1], { name: 'secondary', interface: 'eth1', displayName: 'secondary', gateway: null, table: 1001 });
});

test('the links form gives the ordered list with tables from route_table_base', () => {
  const c = loadConfig(fixture('valid-links.yaml'));
  assert.deepEqual(c.links, [
    { name: 'fiber', interface: 'wan0', displayName: 'Fiber', gateway: null, table: 3000 },
    { name: 'cable', interface: 'wan1', displayName: 'cable', gateway: '198.51.100.1', table: 2001 },
    { name: 'lte', interface: 'wwan0', displayName: 'LTE backup', gateway: null, table: 3002 },
  ]);
  assert.equal(c.minTargetsUp, 2);
  assert.equal(c.pingTimeoutMs, 500);
  assert.equal(c.checkIntervalMs, 1000);
  assert.equal(c.logLevel, 'warn');
  assert.equal(c.logFile, null);
});

test('log levels: seed names in any case, pino names, CRITICAL -> fatal', () => {
  const cases: Array<[string, string]> = [
    ['DEBUG', 'debug'], ['info', 'info'], ['Warning', 'warn'], ['WARN', 'warn'], ['ERROR', 'error'],
    ['CRITICAL', 'fatal'], ['fatal', 'fatal'], ['trace', 'trace'], ['silent', 'silent'],
  ];
  for (const [input, want] of cases) {
    assert.equal(parseConfig(`log_level: ${input}\n`, 'x.yaml').logLevel, want, input);
  }
});

test('new keys are read with their values', () => {
  const c = parseConfig(
    'min_targets_up: 2\nstats_window: 50\nroute_metric: 10\nroute_protocol: 99\nroute_table_base: 500\n' +
      'rule_priority: 200\nrp_filter_loose: false\nlog_file: null\n',
    'x.yaml',
  );
  assert.equal(c.minTargetsUp, 2);
  assert.equal(c.statsWindow, 50);
  assert.equal(c.routeMetric, 10);
  assert.equal(c.routeProtocol, 99);
  assert.equal(c.rulePriority, 200);
  assert.equal(c.rpFilterLoose, false);
  assert.equal(c.logFile, null);
  assert.deepEqual(c.links.map((l) => l.table), [500, 501]);
});

test('a missing file is WAN_ERR_CONFIG naming the file', () => {
  const path = '/nonexistent-wan-failover-dir/config.yaml';
  const { error, problems } = configProblems(() => loadConfig(path));
  assert.equal(error.details['file'], path);
  assert.ok(error.message.includes(path));
  assert.deepEqual(keysOf(problems), ['(file)']);
});

test('a directory instead of a file is WAN_ERR_CONFIG', () => {
  const { problems } = configProblems(() => loadConfig(fixture('')));
  assert.deepEqual(keysOf(problems), ['(file)']);
});
