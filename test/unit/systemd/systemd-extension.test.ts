// sd_notify as a bus extension: STATUS= from the daemon's summary on `status-changed` (with the
// API's note, each line once), STOPPING=1 on stop, nothing at all outside systemd. The notifier
// is the real one with a recording transport.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import { createNotifier } from '../../../src/systemd/sd-notify.js';
import { SystemdExtension } from '../../../src/systemd/systemd-extension.js';
import { FakeClock } from './fake-clock.js';

const quiet = { error: () => undefined, warn: () => undefined };

function setup(env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/x.sock' }) {
  const sent: string[] = [];
  const bus = new SyncEventBus(quiet);
  const notifier = createNotifier(env, new FakeClock(), { send: (_p, m) => { sent.push(m); } });
  const state = { summary: 'active: primary (wan1); primary=up secondary=unknown', note: null as string | null };
  const ext = new SystemdExtension({ bus, notifier, summary: () => state.summary, note: () => state.note });
  const changed = (): void => bus.publish({ kind: 'status-changed', timeMs: 0 });
  return { sent, ext, state, changed };
}

describe('SystemdExtension', () => {
  it('sends the status at start and on each status-changed whose line differs', async () => {
    const { sent, ext, state, changed } = setup();
    changed();
    assert.deepEqual(sent, [], 'nothing before start');
    await ext.start();
    changed();
    state.summary = 'active: secondary (wan2); primary=down secondary=up';
    changed();
    assert.deepEqual(sent, [
      'STATUS=active: primary (wan1); primary=up secondary=unknown',
      'STATUS=active: secondary (wan2); primary=down secondary=up',
    ]);
    await ext.stop();
  });

  it('appends the note, and refresh() re-sends only when the line changed', async () => {
    const { sent, ext, state } = setup();
    state.note = 'API off: api_key is not set';
    ext.refresh();
    assert.deepEqual(sent, [], 'nothing before start');
    await ext.start();
    ext.refresh();
    state.note = null;
    ext.refresh();
    assert.deepEqual(sent, [
      'STATUS=active: primary (wan1); primary=up secondary=unknown; API off: api_key is not set',
      'STATUS=active: primary (wan1); primary=up secondary=unknown',
    ]);
    await ext.stop();
  });

  it('sends STOPPING=1 once on stop and nothing after it', async () => {
    const { sent, ext, state, changed } = setup();
    await ext.start();
    await ext.stop();
    await ext.stop();
    state.summary = 'active: none; primary=down secondary=down';
    changed();
    ext.refresh();
    assert.deepEqual(sent, ['STATUS=active: primary (wan1); primary=up secondary=unknown', 'STOPPING=1']);
  });

  it('outside systemd (no NOTIFY_SOCKET) neither reads the summary nor sends', async () => {
    const { sent, ext, state, changed } = setup({});
    let reads = 0;
    const summary = state.summary;
    Object.defineProperty(state, 'summary', { get: () => { reads += 1; return summary; } });
    await ext.start();
    changed();
    await ext.stop();
    assert.equal(reads, 0);
    assert.deepEqual(sent, []);
  });
});
