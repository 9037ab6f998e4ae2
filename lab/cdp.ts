// A small Chrome DevTools Protocol client over Chromium's --remote-debugging-pipe (fd 3: commands
// to the browser, fd 4: its answers and events; each message JSON ended by a NUL byte), for the
// status page's browser test. Chromium is the Debian package, started inside a lab namespace with
// `ip netns exec` (lab/exec.ts), with a throw-away profile and the background services off, so it
// talks to nothing but the page under test. No npm dependency, no browser download.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { isRunning, spawnInNs, waitExit } from './exec.js';

type Json = Record<string, unknown>;
interface Pending { resolve(v: Json): void; reject(e: Error): void; method: string }

export interface CdpEvent { method: string; params: Json; sessionId?: string }

const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
  '--disable-default-apps', '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--no-pings',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
  '--password-store=basic', '--use-mock-keychain', '--mute-audio', '--hide-scrollbars',
];

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: CdpEvent) => void>();
  private buf = Buffer.alloc(0);
  readonly stderr: string[] = [];

  private constructor(private readonly child: ChildProcess, private readonly profile: string) {
    const out = child.stdio[4] as Readable;
    out.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr?.on('data', (c: Buffer) => { if (this.stderr.length < 200) this.stderr.push(String(c)); });
    child.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`chromium exited during ${p.method}`));
      this.pending.clear();
    });
  }

  /** Starts headless Chromium in network namespace `ns`. */
  static async launch(ns: string, opts: { width?: number; height?: number } = {}): Promise<Browser> {
    const profile = await mkdtemp(join(tmpdir(), 'wf-chromium-'));
    const size = `--window-size=${opts.width ?? 1200},${opts.height ?? 900}`;
    const child = spawnInNs(ns, 'chromium', [...FLAGS, size, `--user-data-dir=${profile}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const b = new Browser(child, profile);
    await b.send('Browser.getVersion');
    return b;
  }

  send(method: string, params: Json = {}, sessionId?: string, timeoutMs = 15_000): Promise<Json> {
    const id = this.nextId++;
    const msg = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`CDP ${method} timed out`)); }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      (this.child.stdio[3] as Writable).write(`${msg}\0`);
    });
  }

  on(listener: (e: CdpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Opens a page target and attaches to it (flat session). */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' }) as { targetId: string };
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true }) as { sessionId: string };
    const page = new Page(this, sessionId);
    await page.init();
    return page;
  }

  async close(): Promise<void> {
    if (isRunning(this.child)) {
      await this.send('Browser.close', {}, undefined, 5000).catch(() => undefined);
      if (!(await waitExit(this.child, 5000))) {
        this.child.kill('SIGKILL');
        await waitExit(this.child, 5000);
      }
    }
    await rm(this.profile, { recursive: true, force: true }).catch(() => undefined);
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (let end = this.buf.indexOf(0); end >= 0; end = this.buf.indexOf(0)) {
      const text = this.buf.subarray(0, end).toString('utf8');
      this.buf = this.buf.subarray(end + 1);
      const msg = JSON.parse(text) as { id?: number; result?: Json; error?: { message: string }; method?: string; params?: Json; sessionId?: string };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`CDP ${p.method}: ${msg.error.message}`));
        else p?.resolve(msg.result ?? {});
      } else if (msg.method !== undefined) {
        const e: CdpEvent = { method: msg.method, params: msg.params ?? {}, ...(msg.sessionId ? { sessionId: msg.sessionId } : {}) };
        for (const l of this.listeners) l(e);
      }
    }
  }
}

/** What the page did that a test checks: console errors, uncaught exceptions, requests and their statuses. */
export interface PageRecord {
  errors: string[];
  requests: { url: string; method: string; headers: Json }[];
  statuses: { url: string; status: number }[];
}

export class Page {
  readonly record: PageRecord = { errors: [], requests: [], statuses: [] };

  constructor(private readonly browser: Browser, readonly sessionId: string) {
    browser.on((e) => {
      if (e.sessionId !== sessionId) return;
      const p = e.params as Record<string, any>;
      if (e.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert')) {
        this.record.errors.push(`console.${p.type}: ${(p.args as { value?: unknown; description?: string }[]).map((a) => a.value ?? a.description).join(' ')}`);
      } else if (e.method === 'Runtime.exceptionThrown') {
        this.record.errors.push(`exception: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`);
      } else if (e.method === 'Log.entryAdded' && p.entry?.level === 'error') {
        this.record.errors.push(`log: ${p.entry.text} ${p.entry.url ?? ''}`);
      } else if (e.method === 'Network.requestWillBeSent') {
        this.record.requests.push({ url: p.request.url, method: p.request.method, headers: p.request.headers });
      } else if (e.method === 'Network.responseReceived') {
        this.record.statuses.push({ url: p.response.url, status: p.response.status });
      }
    });
  }

  async init(): Promise<void> {
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await this.send(`${domain}.enable`);
  }

  send(method: string, params: Json = {}): Promise<Json> {
    return this.browser.send(method, params, this.sessionId);
  }

  async navigate(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const off = this.browser.on((e) => {
        if (e.sessionId === this.sessionId && e.method === 'Page.loadEventFired') { off(); resolve(); }
      });
    });
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates an expression in the page (promises awaited) and returns its value. */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }) as
      { result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls a page expression until it is truthy (bounded); returns its value. */
  async waitFor<T>(what: string, expression: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < Math.ceil(timeoutMs / 100) + 1; i++) {
      const v = await this.eval<T>(expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }

  /** Types text into the focused element, as keystrokes would. */
  async type(text: string): Promise<void> {
    await this.send('Input.insertText', { text });
  }

  async press(key: 'Enter' | 'Tab' | ' '): Promise<void> {
    const code = key === 'Enter' ? { key, code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' }
      : key === 'Tab' ? { key, code: 'Tab', windowsVirtualKeyCode: 9 } : { key, code: 'Space', windowsVirtualKeyCode: 32, text: ' ' };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', ...code });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...code });
  }

  async viewport(width: number, height: number): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
  }

  /** A PNG of the whole page as it is now (beyond the viewport). */
  async screenshot(): Promise<Buffer> {
    const m = await this.send('Page.getLayoutMetrics') as { cssContentSize: { width: number; height: number } };
    const clip = { x: 0, y: 0, width: Math.ceil(m.cssContentSize.width), height: Math.min(4000, Math.ceil(m.cssContentSize.height)), scale: 1 };
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip }) as { data: string };
    return Buffer.from(data, 'base64');
  }
}
