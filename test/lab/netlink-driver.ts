// Runs the real netlink adapter inside a lab namespace, driven over stdin/stdout JSON lines:
// requests `{id, op, args}` -> `{id, ok, result|error}`, and every NetlinkEvent as `{event}`.
import { createInterface } from 'node:readline';
import { createNetlink } from '../../src/netlink/adapter.js';
import type { NetlinkPort } from '../../src/netlink/types.js';
import { isWanError } from '../../src/errors.js';

/** Hard cap so a forgotten driver can never outlive its test. */
const MAX_LIFETIME_MS = 90_000;

interface Request { id: number; op: string; args?: unknown }

function write(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function handle(port: NetlinkPort, req: Request): Promise<unknown> {
  const a = req.args as never;
  switch (req.op) {
    case 'start': return port.start((event) => write({ event }));
    case 'stop': return port.stop();
    case 'dump': return port.dump();
    case 'getLinks': return port.getLinks();
    case 'replaceDefaultRoute': return port.replaceDefaultRoute(a);
    case 'deleteDefaultRoute': return port.deleteDefaultRoute(a);
    case 'addRule': return port.addRule(a);
    case 'deleteRule': return port.deleteRule(a);
    default: throw new Error(`unknown op ${req.op}`);
  }
}

function main(): void {
  const i = process.argv.indexOf('--recv-buf');
  const recvBufferBytes = i > 0 ? Number(process.argv[i + 1]) : undefined;
  const port = createNetlink({ recvBufferBytes });
  const lifetime = setTimeout(() => process.exit(3), MAX_LIFETIME_MS);
  lifetime.unref();
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const req = JSON.parse(line) as Request;
    if (req.op === 'exit') {
      void port.stop().then(() => process.exit(0));
      return;
    }
    handle(port, req).then(
      (result) => write({ id: req.id, ok: true, result: result ?? null }),
      (e: unknown) => write({
        id: req.id, ok: false,
        error: isWanError(e) ? { code: e.code, details: e.details, message: e.message } : { message: String(e) },
      }),
    );
  });
  rl.on('close', () => void port.stop().then(() => process.exit(0)));
}

// Only act when launched as a driver, so a test runner globbing dist/test/ finds a harmless no-op.
if (process.argv.includes('--driver')) main();
