// The status page: asks for the API key once (kept in this tab's sessionStorage), then reads
// everything through the API with the key as a bearer header, never in a URL. Live updates come
// from GET /api/stream (server-sent events read with fetch, since EventSource cannot send headers).
import { drawLinkChart, keepCharts, resizeCharts } from './charts.js';

const KEY_ITEM = 'wan-failover-api-key';
const $ = (id) => document.getElementById(id);
const RANGES = { '1h': { step: 1, ms: 3600e3 }, '24h': { step: 60, ms: 86400e3 }, '7d': { step: 60, ms: 7 * 86400e3 } };
const MAX_EVENTS = 200;

let key = sessionStorage.getItem(KEY_ITEM);
let status = null;
let range = '1h';
let streamAbort = null;
let chartTimer = null;
let retryMs = 1000;

class Unauthorized extends Error {}

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${key}` } });
  if (res.status === 401) throw new Unauthorized('the API key was refused');
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    const err = new Error(body?.error ?? `HTTP ${res.status}`);
    err.code = body?.code;
    throw err;
  }
  return body;
}

function showLogin(message) {
  streamAbort?.abort();
  clearTimeout(chartTimer);
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message ?? '';
  $('conn').textContent = 'not connected';
  $('key').focus();
}

function signOut(message) {
  key = null;
  sessionStorage.removeItem(KEY_ITEM);
  showLogin(message);
}

function fmt(v, unit, digits = 1) {
  if (v === null || v === undefined) return '–';
  const n = Number(v);
  // Sub-millisecond RTTs (a LAN gateway) keep two significant digits instead of reading 0.0.
  return `${n !== 0 && Math.abs(n) < 1 ? n.toPrecision(2) : n.toFixed(digits)} ${unit}`;
}

function row(dl, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dl.append(dt, dd);
}

function renderLink(l) {
  const el = document.createElement('article');
  el.className = 'link';
  el.dataset.link = l.name;
  el.dataset.state = l.state;
  // `share` (load balancing) when the status has it, else the link of the default route carries all.
  const share = typeof l.share === 'number' ? l.share : l.active ? 1 : 0;
  el.dataset.carrying = String(share > 0);
  const h = document.createElement('h3');
  const name = document.createElement('span');
  name.textContent = l.display_name === l.name ? l.name : `${l.display_name} (${l.name})`;
  const state = document.createElement('span');
  state.className = 'badge state';
  state.textContent = l.state;
  h.append(name, state);
  if (share > 0) {
    const c = document.createElement('span');
    c.className = 'badge carrying';
    c.textContent = share < 1 ? `carrying ${Math.round(share * 100)} %` : 'carrying';
    h.append(c);
  }
  const dl = document.createElement('dl');
  row(dl, 'Interface', l.interface);
  row(dl, 'Gateway', l.gateway ?? '–');
  row(dl, 'RTT', fmt(l.rtt_ms, 'ms'));
  row(dl, 'Loss', fmt(l.loss_pct, '%', 0));
  row(dl, 'Jitter', fmt(l.jitter_ms, 'ms'));
  row(dl, 'Traffic', `↓ ${fmt(l.traffic?.rx_mbps, 'Mbit/s', 2)} ↑ ${fmt(l.traffic?.tx_mbps, 'Mbit/s', 2)}`);
  if (l.state_reason) row(dl, 'Why', l.state_reason);
  if (l.ipv6) row(dl, 'IPv6', `${l.ipv6.state}${l.ipv6.active ? ', carrying' : ''}; RTT ${fmt(l.ipv6.rtt_ms, 'ms')}`);
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'switch';
  btn.textContent = l.active ? 'Active' : `Switch to ${l.name}`;
  btn.disabled = l.active;
  btn.addEventListener('click', () => switchTo(l.name, false));
  el.append(h, dl, btn);
  return el;
}

function renderStatus(next) {
  const prev = status;
  status = next;
  const focused = document.activeElement?.closest?.('[data-link]')?.dataset.link;
  $('links').replaceChildren(...next.links.map(renderLink));
  // The bench reads this mark: navigation start to the first links on screen.
  if (prev === null && performance.getEntriesByName('wf-first-status').length === 0) performance.mark('wf-first-status');
  if (focused) document.querySelector(`[data-link="${CSS.escape(focused)}"] button`)?.focus();
  $('auto').checked = next.auto_enabled;
  if (prev !== null && prev.active_link !== next.active_link) announce(`Switched to ${next.active_link ?? 'no link'}`);
  if (prev === null || prev.links.length !== next.links.length) keepCharts(next.links.map((l) => l.name));
  // The charts know the links from the first status.
  if (prev === null) void loadCharts();
}

function announce(text) {
  $('announce').textContent = text;
}

function renderEvent(e) {
  const li = document.createElement('li');
  li.className = `kind-${e.kind}`;
  const t = document.createElement('time');
  t.dateTime = e.time;
  t.textContent = new Date(e.time).toLocaleString();
  li.append(t, document.createTextNode(e.message));
  return li;
}

function addEvent(e) {
  const list = $('events');
  list.prepend(renderEvent(e));
  while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
  if (e.kind === 'switch') announce(e.message);
}

async function switchTo(target, force) {
  $('command').textContent = `switching to ${target} …`;
  try {
    const r = await api('/api/switch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target, force }) });
    $('command').textContent = r.message ?? `switched to ${target}`;
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    $('command').replaceChildren(document.createTextNode(`${target}: ${err.message} `));
    if (err.code === 'WAN_ERR_LINK_DOWN') {
      const force = document.createElement('button');
      force.type = 'button';
      force.textContent = `Force switch to ${target}`;
      force.addEventListener('click', () => switchTo(target, true));
      $('command').append(force);
    }
  }
}

async function setAuto(enabled) {
  try {
    await api('/api/auto', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled }) });
    $('command').textContent = `automatic failover ${enabled ? 'enabled' : 'disabled'}`;
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    $('command').textContent = err.message;
    $('auto').checked = !enabled;
  }
}

async function loadCharts() {
  clearTimeout(chartTimer);
  const r = RANGES[range];
  const since = new Date(Date.now() - r.ms).toISOString();
  const window = { min: (Date.now() - r.ms) / 1000, max: Date.now() / 1000 };
  try {
    // One link per request: 7 days of a link is ~1 MiB of JSON, and the daemon serialises one
    // answer in one stretch of its event loop; smaller answers keep each stretch short.
    for (const l of status?.links ?? []) {
      const q = `link=${encodeURIComponent(l.name)}&family=${$('family').value}&step=${r.step}&since=${encodeURIComponent(since)}`;
      const h = await api(`/api/history?${q}`);
      await drawLinkChart($('charts'), l.name, h.links[l.name] ?? [], window);
    }
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    $('conn').textContent = `history: ${err.message}`;
  }
  chartTimer = setTimeout(loadCharts, r.step === 1 ? 15_000 : 120_000);
}

/** Reads the event stream: "event: NAME\ndata: JSON\n\n" blocks. */
async function stream() {
  streamAbort = new AbortController();
  const signal = streamAbort.signal;
  try {
    const res = await fetch('/api/stream', { headers: { authorization: `Bearer ${key}` }, signal });
    if (res.status === 401) return signOut('the API key was refused');
    if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
    $('conn').textContent = 'live';
    retryMs = 1000;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let name = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data === '') continue;
        const msg = JSON.parse(data);
        if (name === 'status') renderStatus(msg);
        else if (name === 'event') addEvent(msg);
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    $('conn').textContent = `reconnecting (${err.message})`;
  }
  if (signal.aborted || key === null) return;
  status = null;
  // Bounded backoff: 1 s doubling to 30 s.
  setTimeout(() => { if (key !== null && !signal.aborted) void stream(); }, retryMs);
  retryMs = Math.min(retryMs * 2, 30_000);
}

async function start() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('conn').textContent = 'connecting …';
  try {
    const ev = await api(`/api/events?since=${encodeURIComponent(new Date(Date.now() - 7 * 86400e3).toISOString())}`);
    $('events').replaceChildren(...ev.events.slice(-MAX_EVENTS).reverse().map(renderEvent));
  } catch (err) {
    if (err instanceof Unauthorized) return signOut(err.message);
    $('conn').textContent = err.message;
  }
  void stream();
}

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  key = $('key').value.trim();
  if (key === '') return;
  sessionStorage.setItem(KEY_ITEM, key);
  $('key').value = '';
  void start();
});
$('signout').addEventListener('click', () => signOut(''));
$('auto').addEventListener('change', (ev) => void setAuto(ev.target.checked));
$('family').addEventListener('change', () => { keepCharts([]); void loadCharts(); });
for (const b of document.querySelectorAll('[data-range]')) {
  b.addEventListener('click', () => {
    range = b.dataset.range;
    for (const o of document.querySelectorAll('[data-range]')) o.setAttribute('aria-pressed', String(o === b));
    void loadCharts();
  });
}
new ResizeObserver(() => resizeCharts($('charts'))).observe($('charts'));

if (key) void start();
else showLogin();
