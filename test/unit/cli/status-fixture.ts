// A /api/status body as the daemon's API sends it, typed with the API's own payload type so a
// change there that wanctl does not follow breaks the build of these tests.
import type { StatusPayload } from '../../../src/api/status-payload.js';

const traffic = { rx_mbps: 12.5, tx_mbps: 1.25, rx_mbps_avg: 10.123, tx_mbps_avg: 1.004 };

export const STATUS_FIXTURE: StatusPayload = {
  active_link: 'secondary',
  active_display_name: 'Digi',
  active_interface: 'wan1',
  active_gateway: '203.0.113.1',
  auto_enabled: true,
  manual_hold: null,
  all_down: false,
  primary: null,
  secondary: null,
  links: [
    {
      name: 'primary', display_name: 'Telekom', interface: 'wan0', gateway: '198.51.100.1', gateway_ip: '198.51.100.1',
      healthy: false, gateway_reachable: true, consecutive_failures: 4, consecutive_successes: 0,
      last_check: '2025-01-02T03:04:05.678Z', traffic, carrier: true, state: 'down', active: false,
      rtt_ms: null, loss_pct: 100, gateway_source: 'netlink', targets: [], gateway_stats: null,
    },
    {
      name: 'secondary', display_name: 'Digi', interface: 'wan1', gateway: '203.0.113.1', gateway_ip: '203.0.113.1',
      healthy: true, gateway_reachable: true, consecutive_failures: 0, consecutive_successes: 9,
      last_check: '2025-01-02T03:04:05.678Z', traffic, carrier: true, state: 'up', active: true,
      rtt_ms: 12.345, loss_pct: 0, gateway_source: 'state_file', targets: [], gateway_stats: null,
    },
    {
      name: 'lte', display_name: 'LTE', interface: 'wwan0', gateway: null, gateway_ip: null,
      healthy: false, gateway_reachable: false, consecutive_failures: 0, consecutive_successes: 0,
      last_check: null, traffic, carrier: false, state: 'unknown', active: false,
      rtt_ms: null, loss_pct: null, gateway_source: null, targets: [], gateway_stats: null,
    },
  ],
  switch_count: 3,
  last_switch: '2025-01-02T03:00:00.000Z',
  uptime_seconds: 3723,
  recent_events: [
    { time: '2025-01-02T02:59:58.000Z', type: 'down', message: 'Telekom is down (3 failed cycles)', link: 'primary' },
    { time: '2025-01-02T03:00:00.000Z', type: 'switch', message: 'switched to Digi', link: 'secondary' },
  ],
};
