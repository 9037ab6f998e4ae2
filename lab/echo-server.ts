// Runs INSIDE the lab's internet namespace (`ip netns exec NS node dist/lab/echo-server.js ADDR
// PORT [--detached]`): UDP and TCP echo (RFC 862) on one address that is not a probe target, for
// the LAN lab's flows (lan.ts). Prints one JSON line {"ready":true} once both listen; exits when its
// stdin closes (the lab that started it is gone) or on SIGTERM. --detached (a kept lab): stdin is
// not watched; it runs until SIGTERM or until `npm run lab -- down` kills it with its namespace.
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';

const [address, portText, mode] = process.argv.slice(2);
const port = Number(portText);
if (address === undefined || !Number.isInteger(port) || port < 1 || port > 65535 || (mode !== undefined && mode !== '--detached')) {
  process.stderr.write('usage: echo-server.js ADDRESS PORT [--detached]\n');
  process.exit(2);
}

const udp = createSocket(address.includes(':') ? 'udp6' : 'udp4');
udp.on('message', (msg, rinfo) => udp.send(msg, rinfo.port, rinfo.address));
udp.on('error', (e) => {
  process.stderr.write(`udp: ${e.message}\n`);
  process.exit(1);
});

const conns = new Set<Socket>();
const tcp = createServer((s) => {
  conns.add(s);
  s.on('error', () => s.destroy());
  s.on('close', () => conns.delete(s));
  s.pipe(s);
});
tcp.on('error', (e) => {
  process.stderr.write(`tcp: ${e.message}\n`);
  process.exit(1);
});

// A detached server's reader hangs up after the ready line: a write error then is no reason to die.
process.stdout.on('error', () => undefined);

let ready = 0;
const oneReady = (): void => {
  if (++ready === 2) process.stdout.write(JSON.stringify({ ready: true, address, port }) + '\n');
};
udp.bind(port, address, oneReady);
tcp.listen(port, address, oneReady);

const quit = (): void => {
  for (const s of conns) s.destroy();
  udp.close();
  tcp.close();
  process.exit(0);
};
if (mode !== '--detached') {
  process.stdin.on('end', quit);
  process.stdin.resume();
}
process.on('SIGTERM', quit);
