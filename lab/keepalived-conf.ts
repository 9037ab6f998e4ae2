// PURE: the keepalived.conf of one router of the pair lab (issue 25), in the two ways the daemon
// can be keepalived's WAN-health source: a track_file the daemon writes (src/vrrp/), or a
// vrrp_script running `wanctl status --check`. The shipped examples (install/keepalived/) say the
// same with comments; keepalived.conf(5) has one statement per line, no semicolons.
export type PairHealth =
  /** weight 1: the file's value is added to the priority; weight 0: any non-zero value is FAULT. */
  | { kind: 'track_file'; file: string; weight: number }
  /** weight < 0: a failing script lowers the priority by that much; weight 0: a failing script is FAULT. */
  | { kind: 'script'; command: string; intervalS: number; timeoutS: number; fall: number; rise: number; weight: number };

export interface KeepalivedOptions {
  routerId: string;
  iface: string;
  vrid: number;
  priority: number;
  advertInt: number;
  vip: string;
  prefixLength: number;
  /** false: `nopreempt` (the address stays where it is when a higher priority comes back). */
  preempt: boolean;
  health: PairHealth;
}

/** One vrrp_instance named LAN, tracking the WAN health either way. */
export function keepalivedConf(o: KeepalivedOptions): string {
  const lines = ['global_defs {', `  router_id ${o.routerId}`, '  script_user root', '  enable_script_security', '}'];
  if (o.health.kind === 'track_file') {
    lines.push('track_file wan_health {', `  file "${o.health.file}"`, `  weight ${o.health.weight}`, '}');
  } else {
    const h = o.health;
    lines.push('vrrp_script wan_health {', `  script "${h.command}"`, `  interval ${h.intervalS}`, `  timeout ${h.timeoutS}`,
      `  fall ${h.fall}`, `  rise ${h.rise}`, `  weight ${h.weight}`, '}');
  }
  lines.push('vrrp_instance LAN {', '  state BACKUP', `  interface ${o.iface}`, `  virtual_router_id ${o.vrid}`, `  priority ${o.priority}`,
    `  advert_int ${o.advertInt}`, ...(o.preempt ? [] : ['  nopreempt']),
    '  virtual_ipaddress {', `    ${o.vip}/${o.prefixLength}`, '  }',
    o.health.kind === 'track_file' ? '  track_file {' : '  track_script {', '    wan_health', '  }', '}', '');
  return lines.join('\n');
}

/**
 * VRRPv2 (RFC 3768 section 6.1): a backup declares the master gone after Master_Down_Interval =
 * 3 x Advertisement_Interval + Skew_Time, Skew_Time = (256 - Priority) / 256 seconds (per advert
 * interval of 1 s). The bound, in ms, from the master's health dropping to the backup taking over.
 */
export function masterDownMs(advertIntS: number, backupPriority: number): number {
  return Math.round((3 * advertIntS + ((256 - backupPriority) / 256) * advertIntS) * 1000);
}
