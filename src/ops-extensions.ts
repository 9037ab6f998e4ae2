// Composition of the operations extensions (Prometheus metrics, hooks, webhooks, the VRRP track
// file) from the config: the only place that picks their real adapters (prom-client registry,
// child processes, fetch, the track file's write + rename).
// The daemon is netlink-native and spawns no program; the one exception is hooks the admin
// configured. Without `hooks:` the hook adapter (the only importer of node:child_process) is not
// even loaded.
import type { Clock } from './clock.js';
import type { EventBus } from './bus/event-bus.js';
import type { Extension } from './bus/extension.js';
import type { Config } from './config/types.js';
import type { Engine } from './engine/types.js';
import { HistoryExtension } from './history/history-extension.js';
import { MetricsExtension } from './metrics/metrics-extension.js';
import { createPromRegistry } from './metrics/prom-registry.js';
import type { HookSpawner } from './notify/hook-process.js';
import { HooksExtension, type NotifyLog } from './notify/hooks-extension.js';
import { fetchPost } from './notify/webhook-post.js';
import { WebhooksExtension } from './notify/webhooks-extension.js';
import { VrrpExtension } from './vrrp/vrrp-extension.js';

export interface OpsExtensions {
  metrics: MetricsExtension;
  history: HistoryExtension;
  all: Extension[];
}

export interface OpsDeps {
  config: Config;
  bus: EventBus;
  engine: Pick<Engine, 'status'>;
  clock: Clock;
  log: NotifyLog;
  /** Loads the hook adapter; called only when hooks are configured (tests count the calls). */
  loadHookSpawner?: () => Promise<HookSpawner>;
}

const loadSpawnHook = async (): Promise<HookSpawner> => (await import('./notify/hook-process.js')).spawnHook;

export async function opsExtensions(deps: OpsDeps): Promise<OpsExtensions> {
  const { config, bus, clock, log } = deps;
  const metrics = new MetricsExtension({ bus, engine: deps.engine, registry: createPromRegistry({ defaultMetrics: true }), clock,
    public: config.metricsPublic === true });
  // History (src/history/): kept in state_dir; its start reads the saved file, then only subscribes.
  const history = new HistoryExtension({ bus, engine: deps.engine, clock, log, stateDir: config.stateDir ?? null,
    links: () => config.links.map((l) => l.name) });
  const all: Extension[] = [metrics, history];
  if ((config.hooks ?? []).length > 0) {
    const spawn = await (deps.loadHookSpawner ?? loadSpawnHook)();
    all.push(new HooksExtension({ bus, hooks: config.hooks ?? [], spawn, log }));
  }
  if ((config.webhooks ?? []).length > 0) all.push(new WebhooksExtension({ bus, webhooks: config.webhooks ?? [], post: fetchPost, clock, log }));
  // keepalived's track file (issue 25): only with a `vrrp:` section.
  if (config.vrrp) all.push(new VrrpExtension({ bus, status: () => deps.engine.status(), config: config.vrrp, clock, log }));
  return { metrics, history, all };
}
