// Starts the API on a socket: the full API behind a good key, or (disabledReason set) the
// disabled API that answers every request with 503 and the reason. The API extension calls this;
// tests use build() and inject() instead.
import type { Engine } from '../engine/types.js';
import type { Logger } from '../log.js';
import { WanError, errorCode } from '../errors.js';
import { build, buildDisabled } from './app.js';
import type { MetricsProvider } from '../metrics/metrics-extension.js';
import type { HistoryProvider } from '../history/history-extension.js';

export interface StartApiOptions {
  engine: Engine;
  apiKey: string;
  logger: Logger;
  host: string;
  port: number;
  bodyLimit?: number;
  version?: string;
  /** Serves GET /metrics when given. */
  metrics?: MetricsProvider;
  /** Serves the history routes and the status page when given. */
  history?: HistoryProvider;
  /** Set: serve only 503 WAN_ERR_API_DISABLED with this reason (no usable key). */
  disabledReason?: string | null;
}

export interface RunningApi {
  close(): Promise<void>;
  /** e.g. "http://127.0.0.1:8780" (the real port when 0 was asked for). */
  address: string;
}

export async function startApi(opts: StartApiOptions): Promise<RunningApi> {
  const disabled = opts.disabledReason ?? null;
  const app = disabled !== null ? await buildDisabled({ reason: disabled, logger: opts.logger }) : await build(opts);
  let address: string;
  try {
    address = await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close();
    const code = errorCode(err);
    // A busy port, or an address not (yet) on this host: the API extension retries with backoff.
    throw new WanError('WAN_ERR_CONFIG', `API cannot listen on ${opts.host}:${opts.port}: ${code ?? String(err)}`, {
      key: 'api_port',
      host: opts.host,
      port: opts.port,
      errno: code,
    }, { cause: err });
  }
  opts.logger.info({ address, disabled: disabled !== null }, disabled !== null ? 'api listening (disabled: answers 503)' : 'api listening');
  let closing: Promise<void> | null = null;
  return {
    address,
    // Idempotent: the daemon may call stop() twice (signal + error path).
    close: () => (closing ??= app.close().then(() => undefined)),
  };
}
