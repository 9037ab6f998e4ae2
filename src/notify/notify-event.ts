// Pure: which daemon events hooks and webhooks hear about, and their one shape (JSON on a hook's
// stdin, a webhook's POST body) and environment (WAN_* variables for hooks).
import type { DaemonEvent } from '../bus/events.js';
import type { NotifyEventName } from '../config/notify.js';

export interface NotifyEvent {
  event: NotifyEventName;
  /** The link it is about (for a switch: the new one); '' for all_down. */
  link: string;
  interface: string;
  /** switch: the links; link events: the states. '' when none. */
  from: string;
  to: string;
  reason: string;
  family: string;
  /** One line for people (also `title`/`message`/`text` of webhook bodies). */
  message: string;
  /** ISO 8601 UTC. */
  time: string;
  timeMs: number;
  /** `rule` events: the policy rule's name. */
  rule?: string;
}

/** null: not an event hooks and webhooks are told about. */
export function toNotifyEvent(e: DaemonEvent): NotifyEvent | null {
  const time = (ms: number): { time: string; timeMs: number } => ({ time: new Date(ms).toISOString(), timeMs: ms });
  switch (e.kind) {
    case 'switched':
      return { event: 'switch', link: e.to.link, interface: e.to.interface, from: e.from?.link ?? '', to: e.to.link,
        reason: e.reason, family: e.family, message: e.message, ...time(e.timeMs) };
    case 'link-state': {
      const event: NotifyEventName | null = e.to === 'down' ? 'link_down' : e.to === 'degraded' ? 'degraded'
        : e.to === 'up' && e.from === 'down' ? 'link_up' : null;
      if (event === null || e.from === e.to) return null;
      return { event, link: e.link, interface: e.interface, from: e.from, to: e.to, reason: e.reason, family: e.family,
        message: `${e.link} (${e.interface}) ${e.to}: ${e.reason}`, ...time(e.timeMs) };
    }
    case 'all-down':
      if (!e.down) return null;
      return { event: 'all_down', link: '', interface: '', from: '', to: '', reason: 'no usable link', family: '',
        message: 'All WAN links are down', ...time(e.timeMs) };
    case 'data-cap': {
      // A metered link's usage reached 75, 95 or 100 % of its cap (src/metered/); `to` is the level.
      const mb = (b: number): string => (b / 1e6).toFixed(1);
      const reason = e.pct === 100 ? 'data cap reached: last resort' : `${e.pct} % of the data cap used`;
      return { event: 'data_cap', link: e.link, interface: e.interface, from: '', to: `${e.pct}%`, reason, family: '',
        message: `${e.link} (${e.interface}): ${reason} (${mb(e.usageBytes)} of ${mb(e.capBytes)} MB)`, ...time(e.timeMs) };
    }
    case 'rule-moved':
      return { event: 'rule', rule: e.rule, link: e.to ?? '', interface: '', from: e.from ?? '', to: e.to ?? '', reason: e.state, family: e.family,
        message: `rule ${e.rule} (${e.family}): ${e.from ?? 'none'} -> ${e.to ?? (e.state === 'blackhole' ? 'blackhole' : 'the main route')} (${e.state})`,
        ...time(e.timeMs) };
    default:
      return null;
  }
}

/** The WAN_* variables a hook receives (README "Hooks", under "Metrics, hooks and webhooks"). */
export function hookEnv(n: NotifyEvent): Record<string, string> {
  return {
    WAN_EVENT: n.event,
    WAN_LINK: n.link,
    WAN_INTERFACE: n.interface,
    WAN_FROM: n.from,
    WAN_TO: n.to,
    WAN_REASON: n.reason,
    WAN_FAMILY: n.family,
    WAN_MESSAGE: n.message,
    WAN_TIME: n.time,
    ...(n.rule !== undefined ? { WAN_RULE: n.rule } : {}),
  };
}

/** A webhook's body: the event plus title/message/text for ntfy, Gotify and Telegram, plus fixed fields. */
export function webhookBody(n: NotifyEvent, fields: Readonly<Record<string, string | number | boolean>>): Record<string, unknown> {
  return { ...fields, ...n, title: `wan-failover: ${n.event}`, text: n.message };
}
