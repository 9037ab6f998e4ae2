// Where the daemon's config lives by default: its own module, so the light `status --check` path
// can name it without loading the config loader (cli-config.ts re-exports it).
export const DEFAULT_CONFIG_PATH = '/etc/wan-failover/config.yaml';
