#!/usr/bin/env node
// Composition root of the daemon: config -> logger -> capability check -> adapters -> daemon -> API,
// plus signals (TERM/INT stop cleanly, HUP reopens the log file and reloads) and exit codes (0 clean,
// 1 start-up failure, 2 usage). Only a config that cannot work stops it: config warnings are logged,
// and the API is an extension that may be off (bad key) or retrying (bind failed) while failover runs.
import { parseArgs } from 'node:util';
import { API_EXTENSION, ApiExtension, type ApiSettings } from './api/api-extension.js';
import { ExtensionHost } from './bus/extension-host.js';
import { checkCapabilities } from './capabilities.js';
import { systemClock } from './clock.js';
import { packageVersion } from './version.js';
import { sysClassNet } from './config/host-interfaces.js';
import { loadConfigReport, type ConfigReport } from './config/load.js';
import { hasErrors, reportLines } from './config/report-lines.js';
import type { Config } from './config/types.js';
import { CommandQueue } from './engine/command-queue.js';
import { Daemon, managedFamilies } from './engine/daemon.js';
import { describeError, isWanError } from './errors.js';
import { readStateDns, readStateFile } from './gateway/state-file.js';
import { createLogger, setLevel, type Logger } from './log.js';
import { createNetlink } from './netlink/adapter.js';
import { createProberFactory } from './probe/prober-factory.js';
import { chooseProbeSockets } from './probe/socket-choice.js';
import { ensureL4MultipathHash } from './routes/multipath-hash.js';
import { ensureLooseRpFilter } from './routes/rp-filter.js';
import { checkAcceptRa } from './routes/accept-ra.js';
import { createNotifier } from './systemd/sd-notify.js';
import { createConntrackExtension } from './conntrack/create.js';
import { opsExtensions } from './ops-extensions.js';
import { ResolvExtension } from './dns/resolv-extension.js';
import { fileUsageStore } from './metered/usage-file.js';
import { SystemdExtension } from './systemd/systemd-extension.js';
import { startProgressWatchdog } from './systemd/progress-watchdog.js';
import { mqttStateIntervalMs } from './config/timing.js';

const DEFAULT_CONFIG = '/etc/wan-failover/config.yaml';
const STOP_DEADLINE_MS = 10_000;

const version = packageVersion;

function fail(message: string, code = 1): never {
  process.stderr.write(`wan-failover: ${message}\n`);
  process.exit(code);
}

function parseCli(): { configPath: string; checkOnly: boolean } {
  let values;
  try {
    ({ values } = parseArgs({ options: {
      config: { type: 'string', short: 'c', default: DEFAULT_CONFIG },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'V', default: false },
    } }));
  } catch (err) {
    fail(`${(err as Error).message} (see --help)`, 2);
  }
  if (values.help) {
    process.stdout.write(`usage: wan-failover [--config FILE] [--check]\n\n`
      + `  -c, --config FILE  configuration (default ${DEFAULT_CONFIG})\n`
      + `      --check        validate the configuration and exit\n`
      + `  -V, --version      print the version\n`);
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    process.exit(0);
  }
  return { configPath: values.config!, checkOnly: values.check! };
}

function load(path: string): ConfigReport {
  try {
    return loadConfigReport(path, { interfaces: sysClassNet });
  } catch (err) {
    fail(isWanError(err) ? err.message : String(err));
  }
}

/** Config warnings, once per load. api_key's is left to the API extension's one loud line. */
function logWarnings(logger: Logger, report: ConfigReport): void {
  for (const w of report.warnings) {
    if (w.key !== 'api_key') logger[w.severity ?? 'warn']({ key: w.key, value: w.value, config: report.config.sourcePath }, `config: ${w.message}`);
  }
}

const apiSettings = (config: Config): ApiSettings =>
  ({ host: config.apiHost, port: config.apiPort, apiKey: config.apiKey, configPath: config.sourcePath });

async function main(): Promise<void> {
  const { configPath, checkOnly } = parseCli();
  const report = load(configPath);
  const config = report.config;
  if (checkOnly) {
    // Warnings: the config runs (exit 0); errors exited 1 in load(); a refused part (hooks) exits 1 too.
    for (const line of reportLines(configPath, report)) process.stdout.write(`${line}\n`);
    if (hasErrors(report)) process.exitCode = 1;
    return;
  }
  const missing = checkCapabilities();
  if (missing.length > 0) {
    fail(`missing capabilit${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')}: run as root or grant them (the systemd unit does)`);
  }

  const { logger, close: closeLog, reopen: reopenLog } = createLogger({ level: config.logLevel, file: config.logFile });
  logWarnings(logger, report);
  const notifier = createNotifier(process.env, systemClock, {
    onError: (err) => logger.warn({ err: err.message }, 'sd_notify failed'),
  });
  let api: ApiExtension | null = null;
  const identifier = (process.pid ^ 0x5746) & 0xffff;
  // The running config is the daemon's (daemon.config(); SIGHUP replaces it through daemon.reload):
  // every consumer below reads it through a getter, none keeps a copy.
  const daemon: Daemon = new Daemon({
    config,
    usageStore: fileUsageStore(config.stateDir ?? '/var/lib/wan-failover'),
    netlink: createNetlink({
      onRequestSocketError: (err) => logger.warn({ error: describeError(err) }, 'rtnetlink request socket failed; requests go to a fresh socket'),
    }),
    newProber: createProberFactory({
      sockets: chooseProbeSockets(systemClock, 'ipv4', (why) => logger.warn({ why }, 'kernel-stamped probe socket unavailable; RTTs are stamped in JS (raw-socket)')),
      // IPv6 sockets only when IPv6 is managed: an IPv4-only router gets no ICMPv6 warning.
      ...(managedFamilies(config).includes('ipv6') ? {
        sockets6: chooseProbeSockets(systemClock, 'ipv6', (why) => logger.warn({ why }, 'kernel-stamped ICMPv6 probe socket unavailable; RTTs are stamped in JS (raw-socket)')),
      } : {}),
      clock: systemClock, identifier,
      // Read at probe time from the one running config (a reload may add a tcp:// target).
      probeTargets: () => daemon.config().probeTargets ?? [],
      onTargetDead: (link, target, dead, silentForMs) => (dead
        ? logger.warn({ link: link.name, target, silentS: Math.round(silentForMs / 1000) }, 'probe target silent while the others answer: reported dead and ignored for health')
        : logger.info({ link: link.name, target }, 'probe target answers again: counted for health')),
    }),
    clock: systemClock,
    log: logger,
    host: { readStateFile, readStateDns, loosenRpFilter: ensureLooseRpFilter, checkAcceptRa: (iface, set) => checkAcceptRa(iface, { set }),
      setMultipathHash: ensureL4MultipathHash },
  });
  // Metrics, hooks, webhooks, conntrack: their start only subscribes, so they start before the daemon and
  // see its first events (the MQTT host starts after, not to wait on a broker).
  const ops = await opsExtensions({ config, bus: daemon.bus, engine: daemon, clock: systemClock, log: logger });
  const opsHost = new ExtensionHost(systemClock, logger);
  for (const ext of ops.all) opsHost.add(ext);
  // Conntrack too: its start only subscribes, and a switch the daemon makes while starting (a restart
  // that adopts a route on a link which died meanwhile) must flush that link's NAT flows as well.
  opsHost.add(createConntrackExtension({ bus: daemon.bus, clock: systemClock, log: logger.child({ extension: 'conntrack' }), config: () => daemon.config() }));
  // The resolv file (dns.resolv_file, issue 22): its start only subscribes too, and the path is read from the
  // running config at each write (off while unset; a SIGHUP sets or moves it).
  opsHost.add(new ResolvExtension({ bus: daemon.bus, file: () => daemon.config().dns?.resolvFile ?? null, links: () => daemon.resolvLinks(),
    clock: systemClock, log: logger.child({ extension: 'resolv' }) }));
  // STATUS= carries the API's state ("API off: ...") so `systemctl status` shows it. Stopped first
  // (hosts stop in reverse order, this host before the daemon): STOPPING=1 leads the shutdown.
  const systemd = new SystemdExtension({ bus: daemon.bus, notifier, summary: () => daemon.statusSummary(), note: () => api?.statusNote() ?? null });
  // API, wanctl (through the API) and MQTT commands: one serialized queue (src/engine/command-queue.ts).
  const commands = new CommandQueue(daemon);
  api = new ApiExtension({ engine: commands, logger, version: version(), metrics: ops.metrics, history: ops.history, onNoteChange: () => systemd.refresh() },
    apiSettings(config));
  const extensions = new ExtensionHost(systemClock, logger);
  extensions.add(api);

  // Outputs on the event bus; each isolated and retried with backoff, none awaited by failover.
  // MQTT.js is a large library: loaded only when the config has an `mqtt:` section (issue 10, footprint).
  const mqtt = config.mqtt ? (await import('./mqtt/create.js')).createMqttExtension({ config, engine: commands, bus: daemon.bus, clock: systemClock, log: logger.child({ extension: 'mqtt' }),
    version: version(), intervalMs: () => mqttStateIntervalMs(daemon.config()) }) : null;
  if (mqtt) extensions.add(mqtt);
  extensions.add(systemd);

  let stopping = false;
  const shutdown = async (signal: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => { logger.error({}, 'stop took too long; exiting'); process.exit(1); }, STOP_DEADLINE_MS).unref();
    try {
      await extensions.stop();
      await daemon.stop();
      await opsHost.stop();
    } catch (err) {
      logger.error({ err }, 'error while stopping');
      code = 1;
    }
    notifier.stop();
    await closeLog();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGHUP', () => {
    // logrotate's postrotate sends SIGHUP: new lines go to a fresh file at log_file's path.
    reopenLog();
    reload(configPath, daemon, logger, notifier.reloading, notifier.ready, (running) => {
      if (api?.update(apiSettings(running))) void extensions.restart(API_EXTENSION);
    });
  });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });

  try {
    await opsHost.start();
    await daemon.start();
  } catch (err) {
    logger.fatal({ err: isWanError(err) ? err.message : err }, 'start-up failed');
    process.stderr.write(`wan-failover: ${isWanError(err) ? err.message : String(err)}\n`);
    await shutdown('startup-failure', 1);
    return;
  }
  void extensions.start();
  // READY and "daemon ready" after the API's first attempt (a failed bind retries with backoff), not MQTT's.
  await api.settled();
  notifier.ready();
  // The watchdog pets only while probe rounds finish: a hung probe loop lets systemd restart us.
  startProgressWatchdog(notifier, systemClock, daemon);
  logger.info({ api: api.address(), links: config.links.map((l) => `${l.name}=${l.interface}`), config: configPath }, 'daemon ready');
}

/**
 * SIGHUP: the new file goes through the same validation as at start; the daemon plans and applies
 * it (src/config/reload.ts: live keys in place, restart keys kept, a file that would lose the key,
 * every link or every target refused). A refused config is one clear line, the old one keeps running.
 */
function reload(path: string, daemon: Daemon, logger: Logger, reloading: () => void, ready: () => void,
  applyApi: (running: Config) => void): void {
  reloading();
  try {
    const report = loadConfigReport(path, { interfaces: sysClassNet });
    const plan = daemon.reload(report.config);
    logWarnings(logger, report);
    // The API extension applies key, host and port itself (restarting the API only).
    applyApi(plan.applied);
    setLevel(logger, plan.applied.logLevel);
    const line = { config: path, changed: plan.changed, needRestart: plan.needRestart };
    if (plan.needRestart.length > 0) logger.warn(line, 'configuration reloaded');
    else logger.info(line, 'configuration reloaded');
  } catch (err) {
    logger.error({ config: path, error: describeError(err) }, 'configuration reload refused; keeping the running configuration');
  }
  ready();
}

void main();
