// The rtnetlink adapter's request socket: an asynchronous 'error' event must not crash the daemon
// (EventEmitter throws an 'error' nobody listens to); it is reported once per streak, the socket is
// dropped and the next request opens a fresh one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createNetlink, type RequestSocket } from '../../../src/netlink/adapter.js';

class FakeRequestSocket extends EventEmitter implements RequestSocket {
  requests = 0;
  closed = false;

  request(): Promise<[[], unknown]> {
    this.requests += 1;
    return Promise.resolve([[], {}]);
  }

  close(): void {
    this.closed = true;
  }
}

describe('rtnetlink request socket errors', () => {
  it('are reported once per streak, drop the socket, and the next request opens a fresh one', async () => {
    const opened: FakeRequestSocket[] = [];
    const reported: unknown[] = [];
    const port = createNetlink({
      openRequestSocket: () => {
        const s = new FakeRequestSocket();
        opened.push(s);
        return s;
      },
      onRequestSocketError: (err) => reported.push(err),
    });
    assert.deepEqual(await port.getLinks(), []);
    assert.equal(opened.length, 1);

    const enobufs = Object.assign(new Error('recvmsg ENOBUFS'), { code: 'ENOBUFS' });
    opened[0]!.emit('error', enobufs);
    opened[0]!.emit('error', enobufs);
    assert.deepEqual(reported, [enobufs], 'one report for the streak');
    assert.equal(opened[0]!.closed, true);

    assert.deepEqual(await port.getLinks(), []);
    assert.equal(opened.length, 2, 'a fresh socket for the next request');
    assert.equal(opened[1]!.requests, 1);
    assert.equal(opened[0]!.requests, 1, 'the dropped socket is not used again');

    opened[1]!.emit('error', new Error('again'));
    assert.equal(reported.length, 2, 'a request succeeded in between: a new streak');
    await port.stop();
  });
});
