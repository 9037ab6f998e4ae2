// `wanctl status --check`: the health of this router for keepalived's vrrp_script (issue 25). One
// GET /api/status, one line, exit 0 (a link carries traffic), 1 (all down) or 3 (no answer). It
// runs every second or so on a router, so it loads only what it needs: node:http rather than fetch
// (whose undici loads on first use), the config's API keys rather than the whole convict pass, and
// none of the daemon (bench/vrrp.ts measures it; a unit test pins the modules it loads).
import { request } from 'node:http';
import { apiBaseUrl, networkReason } from './api-client.js';
import { readApiSettings } from './api-settings.js';
import { UsageError, expectPositionals, flag, parseCommand, positiveNumber, str } from './args.js';
import { DEFAULT_CONFIG_PATH } from './cli-config-path.js';
import { EXIT_OK, type CommandContext } from './command.js';
import { CHECK_NO_ANSWER, checkVerdict } from './status-check.js';
import { asStatusJson } from './status-json.js';

export const CHECK_HELP = `usage: wanctl status --check [-c FILE] [--timeout SECONDS]

Asks the running daemon whether this router reaches the internet, for keepalived's
vrrp_script (script "/usr/local/bin/wanctl status --check"). Prints one line.

exit status:
  0  at least one link carries traffic
  1  every link is down
  2  usage error
  3  no answer: the daemon does not answer (not running, API off, wrong key), or it
     has judged no link yet since it started

options:
  -c FILE          the daemon's config (default ${DEFAULT_CONFIG_PATH}): api host, port, key
  --timeout S      how long to wait for the daemon (default 1 s)
  -h, --help       this help`;

const DEFAULT_TIMEOUT_S = 1;

/** GET url with the key; resolves with the parsed JSON body of a 2xx, rejects with one line otherwise. */
function getJson(url: string, apiKey: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('error', reject);
      res.on('end', () => {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(body);
        } catch {
          // Judged below.
        }
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
          reject(new Error(`HTTP ${status}${typeof error === 'string' ? `: ${error}` : ''}`));
        } else if (parsed === null) reject(new Error('the answer is not JSON'));
        else resolve(parsed);
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    req.on('error', reject);
    req.end();
  });
}

export async function runStatusCheck(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { check: { type: 'boolean' }, json: { type: 'boolean' }, config: { type: 'string', short: 'c' }, timeout: { type: 'string' } });
  if (flag(p, 'help')) {
    ctx.io.out(CHECK_HELP);
    return EXIT_OK;
  }
  if (flag(p, 'json')) throw new UsageError('--check and --json exclude each other');
  expectPositionals(p, 0, 0, 'wanctl status --check [-c FILE] [--timeout SECONDS]');
  const timeoutMs = Math.round(positiveNumber(str(p, 'timeout'), '--timeout', DEFAULT_TIMEOUT_S) * 1000);
  const path = str(p, 'config') ?? DEFAULT_CONFIG_PATH;
  let base = '';
  try {
    const api = readApiSettings(path);
    base = apiBaseUrl(api.host, api.port);
    const verdict = checkVerdict(asStatusJson(await getJson(`${base}/api/status`, api.apiKey, timeoutMs)));
    ctx.io.out(verdict.line);
    return verdict.code;
  } catch (e) {
    const why = base === '' ? (e instanceof Error ? e.message : String(e)) : `the daemon at ${base} does not answer: ${networkReason(e)}`;
    ctx.io.out(`no answer: ${why}`);
    return CHECK_NO_ANSWER;
  }
}
