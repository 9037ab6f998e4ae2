// Runs INSIDE a lab namespace (`ip netns exec NS node dist/lab/probe-responder.js JSON`): the far
// ends of the TCP, DNS and HTTP(S) probes (issue 23). JSON is a list of listeners:
//   {"kind":"tcp","address":A,"port":P}                      accepts and closes
//   {"kind":"dns","address":A,"port":P}                      answers A/AAAA; NXDOMAIN for nx.example
//   {"kind":"http","address":A,"port":P,"status":S,"location"?:L}
//   {"kind":"https","address":A,"port":P,"status":S,"cert":PEM_FILE,"key":PEM_FILE}
// Prints one JSON line {"ready":true} once all listen; exits when its stdin closes or on SIGTERM.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { dnsResponse, queryType } from './dns-answer.js';
import type { ResponderListener } from './probe-responder-spec.js';


const listeners = JSON.parse(process.argv[2] ?? '[]') as ResponderListener[];
let ready = 0;
const oneReady = (): void => {
  if (++ready === listeners.length) process.stdout.write(JSON.stringify({ ready: true }) + '\n');
};
const die = (what: string) => (e: Error): void => {
  process.stderr.write(`${what}: ${e.message}\n`);
  process.exit(1);
};

for (const l of listeners) {
  if (l.kind === 'tcp') {
    const s = createServer((c) => { c.on('error', () => c.destroy()); c.end(); });
    s.on('error', die(`tcp ${l.address}:${l.port}`));
    s.listen(l.port, l.address, oneReady);
  } else if (l.kind === 'dns') {
    const u = createSocket(l.address.includes(':') ? 'udp6' : 'udp4');
    u.on('message', (q, r) => {
      const type = queryType(q) ?? 1;
      const nx = q.includes(Buffer.from('\u0002nx\u0007example', 'latin1'));
      u.send(dnsResponse(q, nx ? 3 : 0, nx ? 0 : 1, type === 28 ? 28 : 1), r.port, r.address);
    });
    u.on('error', die(`dns ${l.address}:${l.port}`));
    u.bind(l.port, l.address, oneReady);
  } else {
    const handler = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
      res.writeHead(l.status ?? 204, l.location ? { Location: l.location } : {});
      res.end();
    };
    const s = l.kind === 'https'
      ? https.createServer({ cert: readFileSync(l.cert ?? ''), key: readFileSync(l.key ?? '') }, handler)
      : http.createServer(handler);
    s.on('error', die(`${l.kind} ${l.address}:${l.port}`));
    s.listen(l.port, l.address, oneReady);
  }
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
