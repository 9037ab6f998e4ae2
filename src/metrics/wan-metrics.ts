// The daemon's Prometheus metrics: names, help, labels, and how bus events and status snapshots
// map onto them. Naming follows https://prometheus.io/docs/practices/naming/ (prefix, base units:
// seconds, ratios 0-1, `_total` counters). Event-driven series are updated on the bus (cheap, in
// the publishing tick); snapshot series are set from engine.status() when scraped.
import type { DaemonEvent, HealthState } from '../bus/events.js';
import type { EngineStatus } from '../engine/types.js';
import type { CounterFamily, GaugeFamily, HistogramFamily, MetricRegistry } from './prom-registry.js';

const P = 'wan_failover_';
const STATES: readonly HealthState[] = ['up', 'degraded', 'down', 'unknown'];
const REASONS = ['failover', 'recovery', 'manual', 'carrier'] as const;
/** Probe RTTs in seconds: 1 ms (LAN gateway) to 2.5 s (ping_timeout is at most a few seconds). */
export const RTT_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Gateway probes are labelled target="gateway": the series survives a DHCP gateway change. */
export const GATEWAY_TARGET = 'gateway';

const ms = (v: number): number => v / 1000;
const flag = (b: boolean): number => (b ? 1 : 0);

export class WanMetrics {
  private readonly linkState: GaugeFamily;
  private readonly linkUp: GaugeFamily;
  private readonly gatewayReachable: GaugeFamily;
  private readonly carrier: GaugeFamily;
  private readonly linkActive: GaugeFamily;
  private readonly activeInfo: GaugeFamily;
  private readonly rttMean: GaugeFamily;
  private readonly jitter: GaugeFamily;
  private readonly loss: GaugeFamily;
  private readonly targetRttMean: GaugeFamily;
  private readonly targetLoss: GaugeFamily;
  private readonly targetUp: GaugeFamily;
  private readonly rtt: HistogramFamily;
  private readonly sent: CounterFamily;
  private readonly received: CounterFamily;
  private readonly switches: CounterFamily;
  private readonly switchFailures: CounterFamily;
  private readonly sinceSwitch: GaugeFamily;
  private readonly lastSwitch: GaugeFamily;
  private readonly allDown: GaugeFamily;
  private readonly auto: GaugeFamily;
  private readonly rxBytes: CounterFamily;
  private readonly txBytes: CounterFamily;
  private readonly conntrack: CounterFamily;
  private readonly uptime: GaugeFamily;
  private readonly share: GaugeFamily;
  private readonly weight: GaugeFamily;
  private readonly usageBytes: GaugeFamily;
  private readonly capBytes: GaugeFamily;
  private readonly ruleLink: GaugeFamily;
  /** Kernel byte counters last seen per link: counters here only go up by the kernel's deltas. */
  private readonly lastBytes = new Map<string, { rx: number; tx: number }>();
  /** Judged state per link|family from the bus (it knows `degraded`, which the status does not). */
  private readonly busStates = new Map<string, HealthState>();

  constructor(r: MetricRegistry) {
    const li = ['link', 'interface'];
    this.linkState = r.gauge(`${P}link_state`, 'Judged state of a link per family: 1 for the current state (up, degraded, down, unknown), 0 for the others.', [...li, 'family', 'state']);
    this.linkUp = r.gauge(`${P}link_up`, 'Whether the link passes its probes (1) or not (0).', li);
    this.gatewayReachable = r.gauge(`${P}gateway_reachable`, 'Whether the link gateway answered the last probe.', li);
    this.carrier = r.gauge(`${P}carrier`, 'Carrier of the link interface (1 up, 0 down); absent while unknown.', li);
    this.linkActive = r.gauge(`${P}link_active`, 'Whether the link carries the default route (1) or not (0).', li);
    this.activeInfo = r.gauge(`${P}active_link_info`, 'The link carrying the default route, as labels (value always 1).', [...li, 'family']);
    this.rttMean = r.gauge(`${P}rtt_mean_seconds`, 'Mean probe RTT of the link over the stats window.', li);
    this.jitter = r.gauge(`${P}jitter_seconds`, 'Probe RTT jitter of the link over the stats window.', li);
    this.loss = r.gauge(`${P}loss_ratio`, 'Probe loss of the link over the stats window (0-1).', li);
    this.targetRttMean = r.gauge(`${P}target_rtt_mean_seconds`, 'Mean probe RTT per target over the stats window.', ['link', 'target']);
    this.targetLoss = r.gauge(`${P}target_loss_ratio`, 'Probe loss per target over the stats window (0-1).', ['link', 'target']);
    this.targetUp = r.gauge(`${P}target_up`, 'Whether the target answered the last probe round.', ['link', 'target']);
    this.rtt = r.histogram(`${P}probe_rtt_seconds`, 'Round-trip time of answered probes.', ['link', 'target', 'family'], RTT_BUCKETS);
    this.sent = r.counter(`${P}probes_sent_total`, 'Probes sent.', ['link', 'target', 'family']);
    this.received = r.counter(`${P}probes_received_total`, 'Probes answered in time.', ['link', 'target', 'family']);
    this.switches = r.counter(`${P}switches_total`, 'Default-route switches the kernel acknowledged, by reason.', ['family', 'reason']);
    this.switchFailures = r.counter(`${P}switch_failures_total`, 'Default-route changes the kernel refused (retried).', ['family']);
    this.sinceSwitch = r.gauge(`${P}seconds_since_last_switch`, 'Seconds since the last switch; absent before the first.', []);
    this.lastSwitch = r.gauge(`${P}last_switch_timestamp_seconds`, 'Unix time of the last switch; absent before the first.', []);
    this.allDown = r.gauge(`${P}all_down`, 'Whether no link is usable (1) or not (0).', []);
    this.auto = r.gauge(`${P}auto_failover_enabled`, 'Whether automatic failover is on (1) or off (0).', []);
    this.rxBytes = r.counter(`${P}receive_bytes_total`, 'Bytes received on the link interface (kernel IFLA_STATS64).', li);
    this.txBytes = r.counter(`${P}transmit_bytes_total`, 'Bytes sent on the link interface (kernel IFLA_STATS64).', li);
    this.conntrack = r.counter(`${P}conntrack_flushed_total`, 'Conntrack entries NATed to a link that were deleted when the default route left it.', [...li, 'family']);
    this.uptime = r.gauge(`${P}uptime_seconds`, 'Seconds since the daemon started.', []);
    this.share = r.gauge(`${P}link_share`, 'Share of new flows the link carries per family (0-1): its fraction of the nexthop group\'s buckets.', ['link', 'family']);
    this.weight = r.gauge(`${P}link_weight`, 'Weight of the link inside its tier (1-255).', ['link']);
    this.usageBytes = r.gauge(`${P}link_usage_bytes`, 'Metered link: RX + TX bytes in the current billing period (reset on cap_reset_day).', li);
    this.capBytes = r.gauge(`${P}link_cap_bytes`, 'Metered link: the data cap per billing period in bytes; absent without a cap.', li);
    this.ruleLink = r.gauge(`${P}rule_link`, 'The link carrying a policy rule\'s traffic per family, as labels (value always 1; link "" with state blackhole).',
      ['rule', 'link', 'family', 'state']);
    // Zero series up front, so rate() and increase() work from the first switch on.
    for (const reason of REASONS) this.switches.inc({ family: 'ipv4', reason }, 0);
    this.switchFailures.inc({ family: 'ipv4' }, 0);
  }

  onEvent(e: DaemonEvent): void {
    switch (e.kind) {
      case 'probe-round': {
        const samples = e.gateway ? [{ ...e.gateway, target: GATEWAY_TARGET }, ...e.targets] : e.targets;
        for (const s of samples) {
          const labels = { link: e.link, target: s.target, family: e.family };
          this.sent.inc(labels);
          if (!s.ok || s.rttMs === null) continue;
          this.received.inc(labels);
          this.rtt.observe(labels, ms(s.rttMs));
        }
        return;
      }
      case 'switched':
        this.switches.inc({ family: e.family, reason: e.reason });
        return;
      case 'switch-failed':
        this.switchFailures.inc({ family: e.family });
        return;
      case 'link-state':
        this.busStates.set(`${e.link}|${e.family}`, e.to);
        return;
      case 'link-stats':
        this.onBytes(e.link, e.interface, e.rxBytes, e.txBytes);
        return;
      case 'conntrack-flushed':
        this.conntrack.inc({ link: e.link, interface: e.interface, family: e.family }, e.entries);
        return;
      default:
        // other events change only snapshot series, set on scrape
    }
  }

  private onBytes(link: string, iface: string, rx: number, tx: number): void {
    const prev = this.lastBytes.get(link);
    this.lastBytes.set(link, { rx, tx });
    // First sight: start at the kernel's value. A counter that went back (interface re-created)
    // adds its new value: a counter reset the Prometheus way is not possible with prom-client.
    const drx = prev === undefined || rx < prev.rx ? rx : rx - prev.rx;
    const dtx = prev === undefined || tx < prev.tx ? tx : tx - prev.tx;
    this.rxBytes.inc({ link, interface: iface }, drx);
    this.txBytes.inc({ link, interface: iface }, dtx);
  }

  /** Sets the snapshot series from one status (synchronous, no I/O). */
  fromStatus(s: EngineStatus, nowWallMs: number): void {
    this.activeInfo.reset();
    this.ruleLink.reset();
    for (const r of s.rules ?? []) {
      this.ruleLink.set({ rule: r.name, link: r.link ?? '', family: r.family, state: r.state }, 1);
      if (r.ipv6) this.ruleLink.set({ rule: r.name, link: r.ipv6.link ?? '', family: 'ipv6', state: r.ipv6.state }, 1);
    }
    for (const l of s.links) {
      const li = { link: l.name, interface: l.interface };
      const bus = this.busStates.get(`${l.name}|ipv4`);
      const state: HealthState = bus === 'degraded' && l.state === 'up' ? 'degraded' : l.state;
      for (const st of STATES) this.linkState.set({ ...li, family: 'ipv4', state: st }, flag(st === state));
      for (const [key, st] of this.busStates) {
        const [link, family] = key.split('|') as [string, string];
        if (link !== l.name || family === 'ipv4') continue;
        for (const x of STATES) this.linkState.set({ ...li, family, state: x }, flag(x === st));
      }
      this.linkUp.set(li, flag(l.healthy));
      this.gatewayReachable.set(li, flag(l.gatewayReachable));
      if (l.carrier !== null) this.carrier.set(li, flag(l.carrier));
      this.linkActive.set(li, flag(l.active));
      if (l.weight !== undefined) this.weight.set({ link: l.name }, l.weight);
      if (l.share !== undefined) this.share.set({ link: l.name, family: 'ipv4' }, l.share);
      if (l.ipv6?.share !== undefined) this.share.set({ link: l.name, family: 'ipv6' }, l.ipv6.share);
      if (l.active) this.activeInfo.set({ ...li, family: 'ipv4' }, 1);
      if (l.rttMs !== null) this.rttMean.set(li, ms(l.rttMs));
      // Jitter exists with continuous probing only (absent with the original cycles).
      if (typeof l.jitterMs === 'number') this.jitter.set(li, ms(l.jitterMs));
      if (l.lossPct !== null) this.loss.set(li, l.lossPct / 100);
      if (l.metered) {
        this.usageBytes.set(li, l.metered.usageBytes);
        if (l.metered.capBytes !== null) this.capBytes.set(li, l.metered.capBytes);
      }
      const targets = l.gatewayStats ? [{ ...l.gatewayStats, target: GATEWAY_TARGET }, ...l.targets] : l.targets;
      for (const t of targets) {
        const lt = { link: l.name, target: t.target };
        if (t.rttMs !== null) this.targetRttMean.set(lt, ms(t.rttMs));
        if (t.lossPct !== null) this.targetLoss.set(lt, t.lossPct / 100);
        if (t.up !== null) this.targetUp.set(lt, flag(t.up));
      }
    }
    if (s.lastSwitchMs !== null) {
      this.sinceSwitch.set({}, Math.max(0, (nowWallMs - s.lastSwitchMs) / 1000));
      this.lastSwitch.set({}, s.lastSwitchMs / 1000);
    }
    this.allDown.set({}, flag(s.allDown));
    this.auto.set({}, flag(s.autoEnabled));
    this.uptime.set({}, s.uptimeSeconds);
  }
}
