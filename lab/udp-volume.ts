// Run inside a namespace (`ip netns exec NS node dist/lab/udp-volume.js ...`): sends `count` UDP
// datagrams of `size` bytes of payload to dst:port, paced in small batches so no socket buffer
// drops them before they leave; traffic whose bytes a test counts (issue 24, metered links).
// Bounded: at most 100,000 datagrams of at most 1472 bytes, and it exits after 30 s whatever happens.
//   udp-volume.js <dst> <port> <count> <size>
import dgram from 'node:dgram';

const [dst, portArg, countArg, sizeArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Math.min(Number(countArg), 100_000);
const size = Math.min(Number(sizeArg), 1472);
if (!dst || !Number.isInteger(port) || !Number.isInteger(count) || count < 1 || !Number.isInteger(size) || size < 1) {
  process.stderr.write('usage: udp-volume.js <dst> <port> <count> <size>\n');
  process.exit(2);
}
setTimeout(() => process.exit(3), 30_000).unref();
const sock = dgram.createSocket('udp4');
const payload = Buffer.alloc(size, 0x77);
let sent = 0;
const BATCH = 50;
function batch(): void {
  let inBatch = 0;
  const n = Math.min(BATCH, count - sent);
  for (let i = 0; i < n; i++) {
    sock.send(payload, port, dst, () => {
      inBatch += 1;
      if (inBatch === n) {
        if (sent >= count) sock.close();
        else setTimeout(batch, 2);
      }
    });
    sent += 1;
  }
}
batch();
