// The REST API as an extension on the bus: failover never waits on it. Without a usable api_key it
// serves only 503 WAN_ERR_API_DISABLED with the reason (logged loudly once); a bind that fails
// (port in use, api_host not yet on this host) throws, and the ExtensionHost retries with backoff.
import type { Extension } from '../bus/extension.js';
import type { Engine } from '../engine/types.js';
import { describeError, errorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { MetricsProvider } from '../metrics/metrics-extension.js';
import type { HistoryProvider } from '../history/history-extension.js';
import { apiKeyProblem } from './api-key.js';
import { startApi, type RunningApi, type StartApiOptions } from './server.js';

export interface ApiSettings {
  host: string;
  port: number;
  apiKey: string;
  /** The config file, named in the advice of the disabled API. */
  configPath: string;
}

export interface ApiExtensionDeps {
  engine: Engine;
  logger: Logger;
  version: string;
  /** Served as GET /metrics by the full API. */
  metrics?: MetricsProvider;
  /** Served as /api/history, /api/events, /api/stream and the status page. */
  history?: HistoryProvider;
  /** Called whenever statusNote() may have changed (sd_notify STATUS shows it). */
  onNoteChange?: () => void;
  /** The socket owner; tests inject a fake. */
  listen?: (opts: StartApiOptions) => Promise<RunningApi>;
}

export const API_EXTENSION = 'api';

export class ApiExtension implements Extension {
  readonly name = API_EXTENSION;
  private server: RunningApi | null = null;
  /** The disabled reason already logged loudly, so a restart with the same reason stays quiet. */
  private announced: string | null = null;
  private listenError: string | null = null;

  private firstAttempt: Promise<void> | null = null;
  private settle: () => void = () => undefined;

  constructor(private readonly deps: ApiExtensionDeps, private settings: ApiSettings) {}

  /** Resolves once the first start attempt has listened or failed (never rejects). */
  settled(): Promise<void> {
    this.firstAttempt ??= new Promise<void>((resolve) => { this.settle = resolve; });
    return this.firstAttempt;
  }

  /** Why the API is off (for clients, logs and STATUS), or null when the key is usable. No secrets. */
  disabledReason(): string | null {
    const p = apiKeyProblem(this.settings.apiKey === '' ? null : this.settings.apiKey);
    if (p === null) return null;
    return `API disabled: ${p.message}; set a good api_key in ${this.settings.configPath} and reload `
      + '(systemctl reload wan-failover). Failover keeps running.';
  }

  /** One short phrase for sd_notify STATUS while the API is not fully serving, else null. */
  statusNote(): string | null {
    const p = apiKeyProblem(this.settings.apiKey === '' ? null : this.settings.apiKey);
    if (p !== null) return `API off: ${p.message}`;
    if (this.listenError !== null) return `API not listening (${this.listenError}), retrying`;
    return null;
  }

  address(): string | null {
    return this.server?.address ?? null;
  }

  async start(): Promise<void> {
    const reason = this.disabledReason();
    if (reason !== null && reason !== this.announced) {
      this.deps.logger.error({ reason }, `API DISABLED (failover runs without it): ${reason}`);
    }
    this.announced = reason;
    const listen = this.deps.listen ?? startApi;
    try {
      this.server = await listen({
        engine: this.deps.engine, apiKey: this.settings.apiKey, logger: this.deps.logger, host: this.settings.host,
        port: this.settings.port, version: this.deps.version, disabledReason: reason,
        ...(this.deps.metrics ? { metrics: this.deps.metrics } : {}),
        ...(this.deps.history ? { history: this.deps.history } : {}),
      });
      this.setListenError(null);
    } catch (err) {
      this.setListenError(listenErrno(err));
      throw err;
    } finally {
      void this.settled();
      this.settle();
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    await s?.close();
  }

  /** A reloaded config: true when the API must restart to apply it (key, host or port changed). */
  update(next: ApiSettings): boolean {
    const prev = this.settings;
    this.settings = next;
    const changed = prev.apiKey !== next.apiKey || prev.host !== next.host || prev.port !== next.port;
    if (changed) this.deps.onNoteChange?.();
    return changed;
  }

  private setListenError(e: string | null): void {
    if (e === this.listenError) return;
    this.listenError = e;
    this.deps.onNoteChange?.();
  }
}

/** EADDRINUSE / EADDRNOTAVAIL from the cause chain, else the whole description. */
function listenErrno(err: unknown): string {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur !== undefined && cur !== null; i++) {
    const c = errorCode(cur);
    if (c !== null && c.startsWith('E') && !c.startsWith('ERR_')) return c;
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return describeError(err);
}
