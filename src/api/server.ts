// Starts the API on a socket: validates the key first (fail fast at start-up), then listens.
// The daemon's composition root calls this; tests use build() and inject() instead.
import type { Engine } from '../engine/types.js';
import type { Logger } from '../log.js';
import { WanError } from '../errors.js';
import { validateApiKey } from './api-key.js';
import { build } from './app.js';
import type { MetricsProvider } from '../metrics/metrics-extension.js';

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
}

export interface RunningApi {
  close(): Promise<void>;
  /** e.g. "http://127.0.0.1:8780" (the real port when 0 was asked for). */
  address: string;
}

export async function startApi(opts: StartApiOptions): Promise<RunningApi> {
  validateApiKey(opts.apiKey);
  const app = await build(opts);
  let address: string;
  try {
    address = await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close();
    const code = (err as { code?: unknown }).code;
    // A busy port or a foreign address is a configuration problem the operator must fix.
    throw new WanError('WAN_ERR_CONFIG', `API cannot listen on ${opts.host}:${opts.port}: ${String(code ?? err)}`, {
      key: 'api_port',
      host: opts.host,
      port: opts.port,
      errno: code ?? null,
    });
  }
  opts.logger.info({ address }, 'api listening');
  let closing: Promise<void> | null = null;
  return {
    address,
    // Idempotent: the daemon may call stop() twice (signal + error path).
    close: () => (closing ??= app.close().then(() => undefined)),
  };
}
