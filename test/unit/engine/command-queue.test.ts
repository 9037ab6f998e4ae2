// The one command queue (issue 19, defect 3): commands run one at a time in arrival order; a
// waiting command covered by a later one is answered 409 WAN_ERR_SUPERSEDED naming the winner;
// the running one finishes; refusals pass through as they are; the last command always runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandQueue, describeCommand, supersedes, type CommandRef } from '../../../src/engine/command-queue.js';
import type { Engine, EngineStatus, SwitchOptions, SwitchOutcome } from '../../../src/engine/types.js';
import { isWanError, WanError } from '../../../src/errors.js';
import { fakeStatus } from '../../api/fake-engine.js';
import { flushMicrotasks } from '../fake-clock.js';

/** An engine whose commands finish only when the test says so; it records overlap. */
class GatedEngine implements Engine {
  active = 'primary';
  auto = true;
  running = 0;
  maxRunning = 0;
  readonly calls: string[] = [];
  private readonly gates: Array<() => void> = [];

  status(): EngineStatus {
    return { ...fakeStatus(), active: this.active, autoEnabled: this.auto };
  }

  async switchTo(target: string, opts: SwitchOptions): Promise<SwitchOutcome> {
    this.calls.push(`switch ${target}${opts.family ? ` ${opts.family}` : ''}`);
    await this.gate();
    if (target === 'nope') throw new WanError('WAN_ERR_UNKNOWN_LINK', 'Unknown link: nope', { valid: ['primary', 'secondary'] });
    const was = this.active;
    this.active = target;
    return { result: was === target ? 'already_active' : 'switched', link: target };
  }

  async setAuto(enabled: boolean): Promise<void> {
    this.calls.push(`auto ${enabled}`);
    await this.gate();
    this.auto = enabled;
  }

  /** Lets the running command finish. */
  release(): void {
    this.gates.shift()?.();
  }

  private async gate(): Promise<void> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.running -= 1;
  }
}

async function settle<T>(p: Promise<T>): Promise<{ ok: T } | { err: unknown }> {
  return p.then((ok) => ({ ok }), (err: unknown) => ({ err }));
}

test('supersedes: a switch covers waiting switches of its families; auto covers auto; never across kinds', () => {
  const sw = (family: 'ipv4' | 'ipv6' | 'both') => ({ kind: 'switch' as const, target: 'x', force: false, family });
  const auto = { kind: 'auto' as const, enabled: true };
  assert.equal(supersedes(sw('both'), sw('ipv4')), true);
  assert.equal(supersedes(sw('both'), sw('both')), true);
  assert.equal(supersedes(sw('ipv4'), sw('ipv4')), true);
  assert.equal(supersedes(sw('ipv4'), sw('both')), false, 'an IPv4 switch leaves a waiting "both" its IPv6 part');
  assert.equal(supersedes(sw('ipv6'), sw('ipv4')), false);
  assert.equal(supersedes(auto, { kind: 'auto', enabled: false }), true);
  assert.equal(supersedes(auto, sw('both')), false);
  assert.equal(supersedes(sw('both'), auto), false);
});

test('one command at a time: a storm of 500 alternating switches gives no overlap, and the last one wins', async () => {
  const engine = new GatedEngine();
  const q = new CommandQueue(engine);
  const answers = Array.from({ length: 500 }, (_, i) => settle(q.switchTo(i % 2 === 0 ? 'secondary' : 'primary', { force: false })));
  // The first runs; 498 waiting ones were superseded on arrival; the 500th waits.
  assert.equal(q.depth, 1);
  engine.release();
  await flushMicrotasks();
  engine.release();
  const results = await Promise.all(answers);
  assert.equal(engine.maxRunning, 1, 'never two commands in the engine at once');
  assert.deepEqual(engine.calls, ['switch secondary', 'switch primary'], 'the first (already running) and the last ran');
  const done = results.flatMap((r, i) => ('ok' in r ? [{ i, r: r.ok }] : []));
  assert.deepEqual(done.map((d) => d.i), [0, 499]);
  assert.equal(done[1]!.r.command, 500, 'answers carry their command number');
  assert.equal(engine.active, 'primary', 'the route ends on the last command\'s link');
  for (const r of results.slice(1, 499)) {
    assert.ok('err' in r && isWanError(r.err) && r.err.code === 'WAN_ERR_SUPERSEDED' && r.err.status === 409);
  }
  const lost = results[1] as { err: WanError };
  assert.equal(lost.err.details['command'], 2);
  assert.equal((lost.err.details['supersededBy'] as CommandRef).command, 3, 'named by the next command that covered it');
  const last = results[498] as { err: WanError };
  assert.equal((last.err.details['supersededBy'] as CommandRef).command, 500);
  assert.match(last.err.message, /#499 \(switch to secondary, via api\) was superseded by the later command #500 \(switch to primary, via api\)/);
});

test('a refusal is answered as the engine refuses it; the queue goes on with the next command', async () => {
  const engine = new GatedEngine();
  const q = new CommandQueue(engine);
  const bad = settle(q.switchTo('nope', { force: false, source: 'mqtt' }));
  const auto = settle(q.setAuto(false, { source: 'wanctl' }));
  engine.release();
  await flushMicrotasks();
  engine.release();
  const [b, a] = await Promise.all([bad, auto]);
  assert.ok('err' in b && isWanError(b.err) && b.err.code === 'WAN_ERR_UNKNOWN_LINK');
  assert.deepEqual(a, { ok: { command: 2 } });
  assert.equal(engine.auto, false);
});

test('a switch does not supersede a waiting auto, nor an ipv4 switch a waiting "both"', async () => {
  const engine = new GatedEngine();
  const q = new CommandQueue(engine);
  const first = settle(q.switchTo('secondary', { force: false }));
  const auto = settle(q.setAuto(false));
  const both = settle(q.switchTo('primary', { force: false, family: 'both' }));
  const v4 = settle(q.switchTo('secondary', { force: false, family: 'ipv4' }));
  for (let i = 0; i < 4; i++) {
    engine.release();
    await flushMicrotasks();
  }
  const all = await Promise.all([first, auto, both, v4]);
  assert.ok(all.every((r) => 'ok' in r), JSON.stringify(all));
  assert.deepEqual(engine.calls, ['switch secondary', 'auto false', 'switch primary both', 'switch secondary ipv4']);
  await q.idle();
});

test('describeCommand names number, kind, target, family and source', () => {
  assert.equal(describeCommand({ kind: 'switch', target: 'wan2', force: true, family: 'ipv6', command: 7, source: 'mqtt' }),
    '#7 (switch ipv6 to wan2 (force), via mqtt)');
  assert.equal(describeCommand({ kind: 'auto', enabled: false, command: 8, source: 'wanctl' }), '#8 (auto off, via wanctl)');
});
