// Regenerates fixtures/conntrack/capture.json: real ctnetlink dump entries from a throw-away
// `wfc-` NAT lab (lab/nat-lab.ts), one of each kind (test/lab/conntrack-flows.ts), with the lab's
// addresses, plus the request bodies our encoder produced and the kernel accepted. Root only:
//   npx tsc -p tsconfig.json && node dist/test/lab/conntrack-capture.js
import { writeFileSync, mkdirSync } from 'node:fs';
import { release } from 'node:os';
import { createNatLab } from '../../lab/nat-lab.js';
import { FLOWS, makeFlows } from './conntrack-flows.js';

const OUT_DIR = new URL('../../../fixtures/conntrack/', import.meta.url);

async function main(): Promise<void> {
  const lab = await createNatLab('cap', 'snat');
  try {
    await lab.defaultVia(0);
    await makeFlows(lab);
    const captured = await lab.driver(['capture']) as { bodies: { family: string; hex: string }[]; requests: Record<string, string> };
    const doc = {
      note: 'captured by test/lab/conntrack-capture.ts: IPCTNL_MSG_CT_NEW dump bodies (nfgenmsg + attributes, no nlmsghdr)',
      kernel: release(),
      lab: { wans: lab.wans, client4: lab.client4, client6: lab.client6, routerLan4: lab.routerLan4, routerLan6: lab.routerLan6 },
      flows: FLOWS,
      entries: captured.bodies,
      requests: captured.requests,
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(new URL('capture.json', OUT_DIR), `${JSON.stringify(doc, null, 1)}\n`);
    process.stdout.write(`wrote ${captured.bodies.length} entries\n`);
  } finally {
    await lab.destroy();
  }
}

void main();
