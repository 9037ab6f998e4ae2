// Run inside a namespace (`ip netns exec NS node dist/lab/udp-burst.js ...`): sends one UDP datagram
// from one socket to each destination port of a range, so the router's conntrack gets one entry per
// port. Bounded: at most 65,535 ports, and it exits when the last send completed (or after 20 s).
//   udp-burst.js <4|6> <dst> <firstPort> <count> [sourcePort] [bindAddress]
import dgram from 'node:dgram';

const [fam, dst, first, count, sport, bind] = process.argv.slice(2);
const firstPort = Number(first);
const n = Math.min(Number(count), 65_536 - firstPort);
if (!dst || !Number.isInteger(firstPort) || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: udp-burst.js <4|6> <dst> <firstPort> <count> [sourcePort] [bindAddress]\n');
  process.exit(2);
}
setTimeout(() => process.exit(3), 20_000).unref();
const sock = dgram.createSocket(fam === '6' ? 'udp6' : 'udp4');
sock.bind({ port: sport ? Number(sport) : 0, ...(bind ? { address: bind } : {}) }, () => {
  let left = n;
  const payload = Buffer.from('wfc');
  for (let i = 0; i < n; i++) {
    sock.send(payload, firstPort + i, dst, () => {
      left -= 1;
      if (left === 0) sock.close();
    });
  }
});
