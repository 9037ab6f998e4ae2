// The history file in state_dir: a JSON header (version, series, events) and the rings' typed
// arrays as raw bytes. Written to a temporary file, fsynced and renamed over the old one, so a
// crash or power cut leaves the previous complete file (rename(2) is atomic within a directory).
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressFamily } from '../bus/events.js';
import { WanError } from '../errors.js';
import type { HistoryRing } from './ring.js';
import { NUMERIC_FIELDS } from './sample.js';
import { HistoryStore, type HistoryEvent } from './store.js';

export const HISTORY_FILE = 'history.bin';
const MAGIC = 'WFH1';
const VERSION = 1;

interface RingHeader { capacity: number; stepMs: number }
interface SeriesHeader { link: string; family: AddressFamily; seconds: RingHeader; minutes: RingHeader }
interface FileHeader { version: number; savedMs: number; series: SeriesHeader[]; events: HistoryEvent[] }

const arraysOf = (r: HistoryRing): ArrayBufferView[] => [r.steps, r.states, ...NUMERIC_FIELDS.map((f) => r.fields[f])];

/** The bytes of the whole store. */
export function encodeHistory(store: HistoryStore, savedMs: number): Buffer {
  const series = store.allSeries();
  const header: FileHeader = {
    version: VERSION, savedMs, events: store.eventsSince(0),
    series: series.map((s) => ({ link: s.link, family: s.family,
      seconds: { capacity: s.seconds.capacity, stepMs: s.seconds.stepMs }, minutes: { capacity: s.minutes.capacity, stepMs: s.minutes.stepMs } })),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  const parts: Buffer[] = [Buffer.from(MAGIC, 'ascii'), len, head];
  for (const s of series) for (const a of [...arraysOf(s.seconds), ...arraysOf(s.minutes)]) parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat(parts);
}

/**
 * A store from the bytes of a file. Series whose ring shape differs from this version's (another
 * capacity or step) are skipped, not misread; a damaged file throws (the caller starts empty).
 */
export function decodeHistory(buf: Buffer, fresh: () => HistoryStore = () => new HistoryStore()): HistoryStore {
  if (buf.length < 8 || buf.toString('ascii', 0, 4) !== MAGIC) throw new WanError('WAN_ERR_CONFIG', 'not a wan-failover history file');
  const headLen = buf.readUInt32LE(4);
  if (8 + headLen > buf.length) throw new WanError('WAN_ERR_CONFIG', 'history file is truncated (header)');
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headLen)) as FileHeader;
  if (header.version !== VERSION) throw new WanError('WAN_ERR_CONFIG', `history file version ${header.version} is not ${VERSION}`);
  const store = fresh();
  let off = 8 + headLen;
  const fill = (target: HistoryRing, h: RingHeader): void => {
    const sizes = [4, 1, ...NUMERIC_FIELDS.map(() => 4)].map((b) => b * h.capacity);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (off + total > buf.length) throw new WanError('WAN_ERR_CONFIG', 'history file is truncated (rings)');
    if (target.capacity === h.capacity && target.stepMs === h.stepMs) {
      const arrays = arraysOf(target);
      let o = off;
      arrays.forEach((a, k) => {
        new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(buf.subarray(o, o + sizes[k]!));
        o += sizes[k]!;
      });
    }
    off += total;
  };
  for (const s of header.series) {
    const series = store.seriesOf(s.link, s.family);
    fill(series.seconds, s.seconds);
    fill(series.minutes, s.minutes);
  }
  for (const e of header.events) store.addEvent(e);
  return store;
}

/** Writes the store atomically: temporary file, fsync, rename. */
export async function saveHistory(dir: string, store: HistoryStore, savedMs: number): Promise<void> {
  const path = join(dir, HISTORY_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  // The unit's StateDirectory exists already; a daemon run by hand gets the directory it was told.
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(encodeHistory(store, savedMs));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** The saved store, or null when there is no file yet. */
export async function loadHistory(dir: string): Promise<HistoryStore | null> {
  let buf: Buffer;
  try {
    buf = await readFile(join(dir, HISTORY_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return decodeHistory(buf);
}
