// A storm of 500 alternating switches over the real API against the real daemon (issue 19, defect
// 3): every answer is 200 (done) or 409 WAN_ERR_SUPERSEDED naming a later command, none is a 5xx,
// and the kernel's default route ends on the link of the last command the daemon took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeIface, notRoot, withRig } from './support.js';

const STORM = 500;
const WAVE = 100;

test('500 alternating switches at once: 0 5xx, every loser told who won, the route ends on the last command', { skip: notRoot, timeout: 180_000 }, async () => {
  await withRig('storm', async (rig) => {
    const d = await rig.start({ min_secondary_time: 120 });
    const post = (target: string) => rig.agent.http('POST', '/api/switch', {
      headers: { authorization: `Bearer ${d.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target, force: true }), port: d.apiPort, timeoutMs: 60_000,
    });
    const answers: Array<{ status: number; body: Record<string, any>; command: number; target: string }> = [];
    for (let wave = 0; wave < STORM / WAVE; wave++) {
      const targets = Array.from({ length: WAVE }, (_, i) => ((wave * WAVE + i) % 2 === 0 ? 'wan2' : 'wan1'));
      const res = await Promise.all(targets.map((t) => post(t)));
      res.forEach((r, i) => {
        const body = JSON.parse(r.body) as Record<string, any>;
        // A done command's number is in a header (the body is the original's); a superseded one's in the body.
        const command = r.status === 200 ? Number(r.headers['x-wan-command']) : Number(body.command);
        answers.push({ status: r.status, body, command, target: targets[i]! });
      });
    }
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const summary = JSON.stringify(Object.fromEntries(byStatus));
    assert.equal(answers.filter((a) => a.status >= 500).length, 0, `no 5xx: ${summary}`);
    for (const a of answers) {
      if (a.status === 200) {
        assert.equal(a.body.active, a.target);
        assert.ok(Number.isInteger(a.command), 'a done command names its number');
      } else {
        assert.equal(a.status, 409, JSON.stringify(a.body));
        assert.equal(a.body.code, 'WAN_ERR_SUPERSEDED');
        assert.ok(a.body.superseded_by.command > a.command, 'the winner is a later command');
      }
    }
    // The last command the daemon took is the highest number; nothing could supersede it.
    const last = answers.reduce((m, a) => (a.command > m.command ? a : m));
    assert.equal(new Set(answers.map((a) => a.command)).size, STORM, 'every command has its own number');
    assert.equal(last.status, 200);
    assert.equal(await activeIface(rig), last.target, `the route is on the last command's link (${summary})`);
    assert.equal(d.logs.filter((l) => l.msg === 'api request failed').length, 0, 'no error-level request line');
    process.stdout.write(`# storm: ${STORM} switches in waves of ${WAVE}: ${summary}; last command #${last.command} -> ${last.target}\n`);
  });
});
