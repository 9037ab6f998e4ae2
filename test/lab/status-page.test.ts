// The status page in a real browser against the real daemon: headless Chromium (Debian package)
// runs in the lab's router namespace, driven over the DevTools protocol (lab/cdp.ts). It signs in
// with the key (typed, Enter), sees both links, sees the failover the kernel's carrier event
// causes, switches back with the page's button (by keyboard) and the kernel's route moves. The
// screenshots stay in a temporary directory (its path is printed) as the test's artefacts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Browser, type Page } from '../../lab/cdp.js';
import { activeIface, notRoot, status, waitFor, withRig } from './support.js';

const noChromium = existsSync('/usr/bin/chromium') ? false : 'needs chromium (install/dev-setup.sh)';

const linkAttr = (link: string, attr: string): string =>
  `document.querySelector('[data-link="${link}"]')?.getAttribute('${attr}')`;

test('the status page in Chromium: sign in, both links, a failover after carrier loss, a switch from the page',
  { skip: notRoot || noChromium, timeout: 60_000 }, async (t) => {
    const shots = await mkdtemp(join(tmpdir(), 'wf-status-page-'));
    t.diagnostic(`screenshots: ${shots}`);
    await withRig('pge', async (rig) => {
      // A long min_secondary_time: once on wan2, the daemon stays there until the page switches back.
      const d = await rig.start({ min_secondary_time: 300 });
      const browser = await Browser.launch(rig.lab.routerNs);
      let page: Page | null = null;
      const shot = async (name: string): Promise<void> => { if (page) await writeFile(join(shots, name), await page.screenshot()); };
      try {
        page = await browser.newPage();
        await page.viewport(1200, 900);
        await page.navigate(`http://127.0.0.1:${d.apiPort}/`);
        await page.waitFor('the sign-in form', `!document.getElementById('login').hidden`);
        assert.equal(await page.eval<string>(`document.querySelector('label[for=key]').textContent`), 'API key');
        assert.equal(await page.eval<string>(`document.getElementById('key').type`), 'password');
        assert.deepEqual(page.record.requests.filter((r) => r.url.includes('/api/')), [], 'no data request before the key');

        await page.eval(`document.getElementById('key').focus()`);
        await page.type(d.apiKey);
        await page.press('Enter');
        await page.waitFor('both links shown', `document.querySelectorAll('[data-link]').length === 2`);
        await page.waitFor('wan1 carrying', `${linkAttr('wan1', 'data-carrying')} === 'true'`);
        await page.waitFor('both links up', `${linkAttr('wan1', 'data-state')} === 'up' && ${linkAttr('wan2', 'data-state')} === 'up'`);
        assert.equal(await page.eval<string | null>(`sessionStorage.getItem('wan-failover-api-key')`), d.apiKey);
        await page.waitFor('a chart per link', `document.querySelectorAll('[data-chart] canvas').length === 2`);
        await shot('1-signed-in.png');

        // The kernel's event: wan1's cable is pulled; the daemon moves the route, the page follows.
        await rig.lab.fail(1, 'carrier');
        await waitFor('the route on wan2', async () => (await activeIface(rig)) === 'wan2', 20_000);
        await page.waitFor('wan2 carrying on the page', `${linkAttr('wan2', 'data-carrying')} === 'true'`);
        assert.equal(await page.eval<string>(linkAttr('wan1', 'data-carrying')), 'false');
        await page.waitFor('wan1 down on the page', `${linkAttr('wan1', 'data-state')} === 'down'`);
        await page.waitFor('the switch announced', `/wan2/.test(document.getElementById('announce').textContent)`);
        assert.equal(await page.eval<string>(`document.getElementById('announce').getAttribute('aria-live')`), 'polite');
        await page.waitFor('the switch in the timeline with its reason',
          `[...document.querySelectorAll('#events li.kind-switch')].some((li) => /wan1 -> wan2 \\(carrier\\)/.test(li.textContent))`);
        await shot('2-failover.png');

        // The cable is back; the page's switch button, pressed by keyboard, moves the route back.
        await rig.lab.heal(1);
        await waitFor('wan1 up again', async () => (await status(rig, d)).links[0].state === 'up', 30_000);
        await page.waitFor('wan1 up on the page', `${linkAttr('wan1', 'data-state')} === 'up'`);
        await page.eval(`document.querySelector('[data-link="wan1"] button.switch').focus()`);
        await page.press('Enter');
        await waitFor('the route back on wan1', async () => (await activeIface(rig)) === 'wan1', 20_000);
        await page.waitFor('wan1 carrying on the page again', `${linkAttr('wan1', 'data-carrying')} === 'true'`);
        await shot('3-switched-back.png');

        // A phone: no horizontal scroll at 390 px.
        await page.viewport(390, 844);
        await page.waitFor('layout at 390 px', `document.documentElement.clientWidth <= 390`);
        const scroll = await page.eval<number>(`document.documentElement.scrollWidth`);
        const wide = scroll <= 390 ? '' : await page.eval<string>(`[...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > 390).slice(0, 5).map((e) => e.tagName + '.' + e.className).join(' ')`);
        assert.ok(scroll <= 390, `scrollWidth ${scroll} at 390 px: ${wide}`);
        await shot('4-phone.png');

        assert.deepEqual(page.record.errors, [], 'no console errors');
        assert.deepEqual(page.record.statuses.filter((s) => s.status === 401), [], 'no 401');
        const data = page.record.requests.filter((r) => r.url.includes('/api/'));
        assert.ok(data.length > 0);
        for (const r of data) {
          assert.ok(!r.url.includes(d.apiKey), `the key is never in a URL: ${r.url}`);
          const authz = Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
          assert.equal(authz, `Bearer ${d.apiKey}`, `bearer header on ${r.url}`);
        }
      } catch (err) {
        await shot('failure.png').catch(() => undefined);
        t.diagnostic(`page errors: ${JSON.stringify(page?.record.errors ?? [])}`);
        throw err;
      } finally {
        await browser.close();
      }
    });
  });
