// Over HTTP, every command's answer says what became of it (issue 19, defect 3): done (200, its
// command number in X-Wan-Command), superseded (409 WAN_ERR_SUPERSEDED naming the command that won) or refused (the
// engine's 4xx); wanctl's commands are named as such; never a 5xx for a command that lost a race.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from '../../src/api/app.js';
import { COMMAND_HEADER, commandSource } from '../../src/api/plugin.js';
import { CommandQueue } from '../../src/engine/command-queue.js';
import type { SwitchOptions, SwitchOutcome } from '../../src/engine/types.js';
import { FakeEngine } from './fake-engine.js';
import { jsonAuth, KEY } from './helpers.js';

/** The fake engine, but each switch waits until the test lets it finish. */
class SlowEngine extends FakeEngine {
  private readonly gates: Array<() => void> = [];
  override async switchTo(target: string, opts: SwitchOptions): Promise<SwitchOutcome> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return super.switchTo(target, opts);
  }
  release(): void {
    this.gates.shift()?.();
  }
  get waiting(): number {
    return this.gates.length;
  }
}

async function until(what: string, pred: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !pred(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(pred(), what);
}

test('three concurrent switches: the first runs, the second is superseded by the third (409 naming it), the third runs', async () => {
  const engine = new SlowEngine();
  engine.current = { ...engine.current, links: engine.current.links.map((l) => ({ ...l, state: 'up' as const, gateway: '198.51.100.1' })) };
  const queue = new CommandQueue(engine);
  const app = await build({ engine: queue, apiKey: KEY });
  try {
    const post = (target: string, ua?: string) => app.inject({ method: 'POST', url: '/api/switch',
      headers: { ...jsonAuth, ...(ua ? { 'user-agent': ua } : {}) }, payload: { target } });
    const first = post('secondary');
    await until('the first command runs', () => engine.waiting === 1);
    const second = post('primary');
    await until('the second waits', () => queue.depth === 1);
    const third = post('secondary', 'wanctl/1');
    await until('the third waits in place of the second', () => queue.depth === 1 && engine.switchCalls.length === 0);
    const lost = await second;
    assert.equal(lost.statusCode, 409);
    const body = lost.json();
    assert.equal(body.code, 'WAN_ERR_SUPERSEDED');
    assert.equal(body.success, false);
    assert.equal(body.command, 2);
    assert.deepEqual(body.superseded_by, { command: 3, kind: 'switch', target: 'secondary', force: false, family: 'both', source: 'wanctl' });
    assert.match(body.error, /#2 \(switch to primary, via api\) was superseded by the later command #3 \(switch to secondary, via wanctl\)/);
    engine.release();
    await until('the third runs', () => engine.waiting === 1);
    engine.release();
    const [a, c] = await Promise.all([first, third]);
    assert.equal(a.statusCode, 200);
    // The bodies stay the original's byte for byte; the command's number is in a header.
    assert.equal(a.body, '{"success":true,"active":"secondary"}');
    assert.equal(a.headers[COMMAND_HEADER], '1');
    assert.equal(c.statusCode, 200);
    assert.equal(c.body, '{"success":true,"active":"secondary","message":"Already on Digi"}');
    assert.equal(c.headers[COMMAND_HEADER], '3');
    const auto = await app.inject({ method: 'POST', url: '/api/auto', headers: jsonAuth, payload: { enabled: false } });
    assert.equal(auto.body, '{"success":true,"auto_enabled":false}');
    assert.equal(auto.headers[COMMAND_HEADER], '4');
  } finally {
    await app.close();
  }
});

test('commandSource: wanctl by its User-Agent, everything else api', () => {
  assert.equal(commandSource('wanctl/1'), 'wanctl');
  assert.equal(commandSource('HomeAssistant/2025.1 aiohttp/3.9'), 'api');
  assert.equal(commandSource(undefined), 'api');
});
