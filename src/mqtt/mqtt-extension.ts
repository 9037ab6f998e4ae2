// Home Assistant over MQTT, as an extension on the daemon's event bus: availability with a last will,
// discovery configs on every connect and every Home Assistant birth, retained state documents
// (changes at once, traffic and RTT at most every check_interval) and commands through the same
// engine calls as the REST API. A broker that is down, slow or rude never reaches failover: nothing
// here is awaited by the engine, publishes happen only while connected, and every error is logged.
import type { EventBus } from '../bus/event-bus.js';
import type { DaemonEvent } from '../bus/events.js';
import type { Extension } from '../bus/extension.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { MqttConfig } from '../config/types.js';
import type { Engine, EngineStatus } from '../engine/types.js';
import { describeError, errorCode, isWanError } from '../errors.js';
import { Streak } from '../log-streak.js';
import { parseCommand, type MqttCommand } from './commands.js';
import { discoveryMessages, OFFLINE, ONLINE, type DeviceInfo, type DiscoveryLink } from './discovery.js';
import type { MqttConnect, MqttConnection } from './mqtt-client.js';
import { jitterOf, stateMessages } from './state-docs.js';
import { buildTopics, type Topics } from './topics.js';

export interface MqttLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MqttExtensionDeps {
  config: MqttConfig;
  engine: Engine;
  bus: EventBus;
  clock: Clock;
  log: MqttLog;
  connect: MqttConnect;
  /** For the default client id and the device name. */
  hostname: string;
  version: string;
  /** check_interval in ms, read each time (a SIGHUP may change it). */
  intervalMs(): number;
  /** Reconnect delays (default 1 s doubling to 60 s). */
  reconnect?: { firstMs: number; maxMs: number };
  /** Bound on the goodbye (offline + DISCONNECT) at stop (default 2 s). */
  stopTimeoutMs?: number;
}

/** Events that change what Home Assistant shows: published at once, not at the next tick. */
const IMMEDIATE: ReadonlySet<DaemonEvent['kind']> = new Set(['switched', 'switch-failed', 'link-state', 'carrier', 'all-down', 'auto', 'gateway']);
/** Commands waiting for the engine; more are dropped (a flood from a broken automation). */
const MAX_PENDING_COMMANDS = 8;
/** A streak of malformed, dropped or refused commands ends after this long without one (or at a good one). */
const COMMAND_STREAK_QUIET_MS = 60_000;
const COUNTED = 'more like it are counted, not logged, until a good one or 60 s without one';
const RETAINED_QOS1 = { retain: true, qos: 1 } as const;
const RETAINED_QOS0 = { retain: true, qos: 0 } as const;

/** What the discovery configs depend on per link. */
function announcedLinks(status: EngineStatus): DiscoveryLink[] {
  return status.links.map((l) => ({ name: l.name, label: l.displayName, hasJitter: jitterOf(l).present,
    ...(l.metered ? { metered: true } : {}) }));
}

/** The policy rules' names (issue 22): one sensor each. */
const announcedRules = (status: EngineStatus): string[] => (status.rules ?? []).map((r) => r.name);

/** Changes when the discovery configs would: the links, whether IPv6 is managed, the rules. */
function announcedKey(status: EngineStatus): string {
  return JSON.stringify({ links: announcedLinks(status), ipv6: status.activeIpv6 !== undefined, rules: announcedRules(status) });
}

export class MqttExtension implements Extension {
  readonly name = 'mqtt';
  private conn: MqttConnection | null = null;
  private topics: Topics | null = null;
  private unsubscribe: (() => void) | null = null;
  private timer: TimerHandle | null = null;
  /** Last payload sent per state topic (cleared on connect: a restarted broker may have lost them). */
  private readonly sent = new Map<string, string>();
  /** Discovery config topics we have published and not removed: the record removals are judged against. */
  private readonly announced = new Set<string>();
  private announcedLinks = '';
  private everConnected = false;
  private downSinceMs: number | null = null;
  private outageLogged = false;
  private publishFailing = false;
  private immediateQueued = false;
  private commands: Promise<void> = Promise.resolve();
  private pendingCommands = 0;
  private stopped: Promise<void> | null = null;
  /** Topics whose retained command was ignored and said so (once per topic and run). */
  private readonly retainedWarned = new Set<string>();
  // Each repeating input path logs once per streak (src/log-streak.ts), with the count when it ends.
  private readonly malformed: Streak<{ topic: string; why: string }>;
  private readonly dropped: Streak<{ topic: string; pending: number }>;
  private readonly refused: Streak<{ target: string; code: string | null; error: string; valid?: unknown }>;
  private readonly failed: Streak<{ topic: string; error: string }>;

  constructor(private readonly deps: MqttExtensionDeps) {
    const log = deps.log;
    const quiet = { clock: deps.clock, quietMs: COMMAND_STREAK_QUIET_MS };
    this.malformed = new Streak({
      began: (m) => log.warn({ ...m, next: COUNTED }, 'mqtt command ignored'),
      ended: (count, m) => { if (count > 1) log.warn({ count, last: m }, 'mqtt malformed commands: streak ended'); },
    }, quiet);
    this.dropped = new Streak({
      began: (m) => log.warn({ ...m, next: COUNTED }, 'mqtt command dropped: too many waiting'),
      ended: (count) => log.warn({ dropped: count }, 'mqtt commands accepted again'),
    }, quiet);
    this.refused = new Streak({
      began: (m) => log.warn({ ...m, next: COUNTED }, m.code === 'WAN_ERR_UNKNOWN_LINK' ? 'mqtt switch to an unknown link ignored' : 'mqtt switch refused'),
      ended: (count, m) => { if (count > 1) log.warn({ count, last: m }, 'mqtt refused switches: streak ended'); },
    }, quiet);
    this.failed = new Streak({
      began: (m) => log.warn({ ...m, next: COUNTED }, 'mqtt command failed'),
      ended: (count, m) => { if (count > 1) log.warn({ count, last: m }, 'mqtt failed commands: streak ended'); },
    }, quiet);
  }

  get clientId(): string {
    return this.deps.config.clientId ?? `wan-failover-${this.deps.hostname}`;
  }

  async start(): Promise<void> {
    const { config, engine } = this.deps;
    const names = engine.status().links.map((l) => l.name);
    const topics = buildTopics(config.baseTopic, config.discoveryPrefix, this.clientId, names);
    this.topics = topics;
    // Throws only on local problems (an unreadable TLS file); the extension host retries those.
    this.conn = this.deps.connect({
      url: config.url, clientId: this.clientId, username: config.username, password: config.password,
      ca: config.ca, cert: config.cert, key: config.key,
      will: { topic: topics.availability, payload: OFFLINE, ...RETAINED_QOS1 },
      reconnect: this.deps.reconnect ?? { firstMs: 1_000, maxMs: 60_000 },
    }, {
      onConnect: () => this.onConnect(),
      onDisconnect: (error) => this.onDisconnect(error),
      onMessage: (topic, payload, retained) => this.onMessage(topic, payload, retained),
    });
    this.downSinceMs = this.deps.clock.nowMs();
    this.unsubscribe = this.deps.bus.on((e) => {
      if (IMMEDIATE.has(e.kind)) this.publishSoon();
    });
    this.schedule();
  }

  /** Idempotent: offline (retained) and a clean DISCONNECT, bounded in time. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const streak of [this.malformed, this.dropped, this.refused, this.failed]) streak.close();
      this.unsubscribe?.();
      if (this.timer) this.deps.clock.clearTimer(this.timer);
      this.timer = null;
      const conn = this.conn;
      if (!conn) return;
      const goodbye = (async () => {
        // The will fires only on an unexpected drop; a clean stop says offline itself.
        if (conn.connected() && this.topics) await conn.publish(this.topics.availability, OFFLINE, RETAINED_QOS1).catch(() => undefined);
        await conn.end();
      })();
      let t: TimerHandle | null = null;
      await Promise.race([goodbye, new Promise<void>((resolve) => { t = this.deps.clock.setTimer(this.deps.stopTimeoutMs ?? 2_000, resolve); })]);
      if (t) this.deps.clock.clearTimer(t);
    })();
    return this.stopped;
  }

  // ---- connection ----------------------------------------------------------------------------

  private onConnect(): void {
    if (this.stopped || !this.topics) return;
    const after = this.downSinceMs === null ? null : Math.round(this.deps.clock.nowMs() - this.downSinceMs);
    this.deps.log.info({ broker: this.deps.config.url, clientId: this.clientId, ...(this.everConnected ? { outageMs: after } : {}) },
      this.everConnected ? 'mqtt reconnected' : 'mqtt connected');
    this.everConnected = true;
    this.downSinceMs = null;
    this.outageLogged = false;
    this.publishFailing = false;
    this.sent.clear();
    const t = this.topics;
    const subs = [t.commands];
    if (this.deps.config.discovery) subs.push(t.haStatus, t.ownDiscovery);
    this.send(t.availability, ONLINE, RETAINED_QOS1);
    // Discovery before state, so an entity Home Assistant creates finds its retained state.
    this.announce();
    this.publishStates();
    this.conn?.subscribe(subs).catch((err: unknown) => this.deps.log.warn({ error: describeError(err) }, 'mqtt subscribe failed; commands unavailable until reconnect'));
  }

  private onDisconnect(error: string | null): void {
    if (this.stopped) return;
    if (this.downSinceMs === null) this.downSinceMs = this.deps.clock.nowMs();
    if (this.outageLogged) {
      this.deps.log.debug({ error }, 'mqtt connect attempt failed');
      return;
    }
    this.outageLogged = true;
    this.deps.log.warn({ broker: this.deps.config.url, error },
      this.everConnected ? 'mqtt broker connection lost; reconnecting with backoff' : 'mqtt broker unreachable; retrying with backoff');
  }

  // ---- publishing ------------------------------------------------------------------------------

  private send(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): void {
    const conn = this.conn;
    if (!conn || !conn.connected()) return;
    conn.publish(topic, payload, opts).then(() => { this.publishFailing = false; }, (err: unknown) => {
      if (!this.publishFailing) this.deps.log.warn({ topic, error: describeError(err) }, 'mqtt publish failed');
      this.publishFailing = true;
    });
  }

  private device(): DeviceInfo {
    return { name: `WAN failover ${this.deps.hostname}`, model: 'wan-failover daemon', manufacturer: 'wan-failover', swVersion: this.deps.version };
  }

  /** Publishes every discovery config and removes (empty retained payload) those no longer wanted. */
  private announce(): void {
    const t = this.topics;
    if (!t || !this.deps.config.discovery) return;
    const status = this.deps.engine.status();
    const messages = discoveryMessages(this.device(), announcedLinks(status), t, { ipv6: status.activeIpv6 !== undefined, rules: announcedRules(status) });
    const wanted = new Set(messages.map((m) => m.topic));
    for (const topic of [...this.announced]) {
      if (wanted.has(topic)) continue;
      this.send(topic, '', RETAINED_QOS1);
      this.announced.delete(topic);
    }
    for (const m of messages) {
      this.send(m.topic, JSON.stringify(m.payload), RETAINED_QOS1);
      this.announced.add(m.topic);
    }
    this.announcedLinks = announcedKey(status);
  }

  private publishStates(): void {
    const t = this.topics;
    if (!t || !this.conn?.connected()) return;
    const status = this.deps.engine.status();
    // A reload that changed the links (names, labels, jitter) or IPv6 re-announces, removing what left.
    if (this.deps.config.discovery) {
      if (announcedKey(status) !== this.announcedLinks) this.announce();
    }
    for (const [topic, payload] of stateMessages(status, t)) {
      if (this.sent.get(topic) === payload) continue;
      this.sent.set(topic, payload);
      this.send(topic, payload, RETAINED_QOS0);
    }
  }

  /** Coalesces the events of one engine step (link-state + all-down + switched) into one publish. */
  private publishSoon(): void {
    if (this.immediateQueued) return;
    this.immediateQueued = true;
    queueMicrotask(() => {
      this.immediateQueued = false;
      if (!this.stopped) this.guard(() => this.publishStates());
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimer(Math.max(100, this.deps.intervalMs()), () => {
      this.timer = null;
      this.guard(() => this.publishStates());
      this.schedule();
    });
  }

  /** Nothing thrown here may reach the bus or a timer: log it, keep going. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.log.warn({ error: describeError(err) }, 'mqtt publish step failed');
    }
  }

  // ---- incoming ------------------------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer, retained: boolean): void {
    const t = this.topics;
    if (!t || this.stopped) return;
    if (topic === t.haStatus) {
      // Home Assistant's birth: it has (re)started and forgot nothing retained, but entities set up
      // from discovery want their config again (Home Assistant MQTT docs, "birth and last will").
      if (payload.toString('utf8').trim() === ONLINE) {
        this.deps.log.info({}, 'home assistant came online; re-publishing discovery and state');
        this.guard(() => { this.announce(); this.sent.clear(); this.publishStates(); });
      }
      return;
    }
    if (topic.startsWith(`${this.deps.config.discoveryPrefix}/`) && topic.endsWith('/config')) {
      // A retained config under our node id that we did not announce this run: a link removed
      // from the config since the last run. Clear it so Home Assistant drops the entity.
      if (payload.length > 0 && !this.announced.has(topic)) {
        this.deps.log.info({ topic }, 'removing a stale home assistant discovery config');
        this.send(topic, '', RETAINED_QOS1);
      }
      return;
    }
    // A retained command is an old order the broker replays at every (re)subscribe: after a restart
    // it would undo what the operator did since (issue 19, defect 4). Commands are events, not state.
    if (retained) {
      if (payload.length === 0) return;
      if (this.retainedWarned.has(topic)) return;
      this.retainedWarned.add(topic);
      this.deps.log.warn({ topic }, 'retained mqtt command ignored (commands must not be retained); '
        + `clear it on the broker, e.g. mosquitto_pub -r -n -t '${topic}'`);
      return;
    }
    this.enqueue(parseCommand(t, topic, payload), topic);
  }

  private enqueue(cmd: MqttCommand, topic: string): void {
    if (cmd.kind === 'ignored') {
      this.malformed.hit({ topic, why: cmd.why });
      return;
    }
    this.malformed.end();
    if (this.pendingCommands >= MAX_PENDING_COMMANDS) {
      this.dropped.hit({ topic, pending: this.pendingCommands });
      return;
    }
    this.dropped.end();
    this.pendingCommands += 1;
    this.commands = this.commands
      .then(() => this.run(cmd))
      .then(() => this.failed.end(), (err: unknown) => this.failed.hit({ topic, error: describeError(err) }))
      .finally(() => { this.pendingCommands -= 1; this.publishSoon(); });
  }

  /** The same engine calls as POST /api/switch and /api/auto, with their validation, through the one command queue. */
  private async run(cmd: Exclude<MqttCommand, { kind: 'ignored' }>): Promise<void> {
    const { engine, log } = this.deps;
    const source = 'mqtt' as const;
    try {
      switch (cmd.kind) {
        case 'switch': {
          const outcome = await engine.switchTo(cmd.target, { force: cmd.force, ...(cmd.family ? { family: cmd.family } : {}), source });
          this.refused.end();
          log.info({ target: cmd.target, force: cmd.force, family: cmd.family ?? 'both', result: outcome.result, command: outcome.command,
            ...(outcome.ipv6?.result !== undefined ? { ipv6: outcome.ipv6.result, ipv6Reason: outcome.ipv6.reason } : {}) }, 'manual switch via mqtt');
          return;
        }
        case 'auto':
          await engine.setAuto(cmd.enabled, { source });
          log.info({ enabled: cmd.enabled }, 'auto failover set via mqtt');
          return;
        case 'resume-auto':
          await engine.setAuto(true, { source });
          log.info({}, 'automatic choice resumed via mqtt');
          return;
      }
    } catch (err) {
      if (isWanError(err) && err.code === 'WAN_ERR_SUPERSEDED') {
        log.info({ command: err.details['command'], supersededBy: err.details['supersededBy'] }, 'mqtt command superseded by a later command');
        return;
      }
      if (cmd.kind !== 'switch' || !isWanError(err)) throw err;
      const valid = err.code === 'WAN_ERR_UNKNOWN_LINK' ? { valid: err.details['valid'] } : {};
      this.refused.hit({ target: cmd.target, code: errorCode(err), error: describeError(err), ...valid });
    }
  }
}
