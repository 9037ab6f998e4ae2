// The seed's Home Assistant YAML (copied to fixtures/) and our package in install/ against a real
// /api/status response: every value_json path and json_attributes entry resolves to the right JSON type,
// and every rest_command is accepted by the API as written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseYaml } from '../../src/config/yaml-source.js';
import { KEY, auth, makeApp } from './helpers.js';

// dist/test/api -> repository root
const ROOT = join(import.meta.dirname, '..', '..', '..');
const FILES = ['fixtures/homeassistant/seed-ha.yaml', 'install/homeassistant/wan_failover.yaml'];

type JsonType = 'string' | 'boolean' | 'number' | 'iso-time';

/** Expected type per leaf key; a template reading a key missing here fails the test until it is typed. */
const LEAF_TYPES: Record<string, JsonType> = {
  active_display_name: 'string',
  active_link: 'string',
  display_name: 'string',
  gateway: 'string',
  gateway_ip: 'string',
  healthy: 'boolean',
  gateway_reachable: 'boolean',
  last_check: 'iso-time',
  rx_mbps_avg: 'number',
  tx_mbps_avg: 'number',
  rx_mbps: 'number',
  tx_mbps: 'number',
  auto_enabled: 'boolean',
  switch_count: 'number',
};

interface Sensor {
  name: string;
  value_template?: string;
  json_attributes_path?: string;
  json_attributes?: string[];
}
interface RestCommand {
  url: string;
  method: string;
  headers: Record<string, string>;
  payload: string;
}
interface HaYaml {
  rest: Array<{ resource: string; headers: Record<string, string>; sensor: Sensor[] }>;
  rest_command: Record<string, RestCommand>;
}

function loadHa(file: string): HaYaml {
  const parsed = parseYaml(readFileSync(join(ROOT, file), 'utf8'));
  assert.ok(parsed.ok, `${file} is valid YAML`);
  return parsed.data as HaYaml;
}

interface Use {
  sensor: string;
  path: string[];
  nullable: boolean;
}

/** Every `value_json.a.b` in the value templates and every json_attributes entry under its path. */
function usesOf(ha: HaYaml): Use[] {
  const uses: Use[] = [];
  for (const rest of ha.rest) {
    for (const s of rest.sensor) {
      for (const m of (s.value_template ?? '').matchAll(/value_json((?:\.[A-Za-z_]\w*)+)(\s+or\s+'unknown')?/g)) {
        uses.push({ sensor: s.name, path: (m[1] ?? '').slice(1).split('.'), nullable: m[2] !== undefined });
      }
      if (s.json_attributes) {
        const base = (s.json_attributes_path ?? '$').replace(/^\$\.?/, '').split('.').filter((p) => p !== '');
        for (const attr of s.json_attributes) uses.push({ sensor: s.name, path: [...base, attr], nullable: false });
      }
    }
  }
  return uses;
}

function resolve(json: unknown, path: string[]): unknown {
  let cur: unknown = json;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null || !(key in cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function assertType(value: unknown, type: JsonType, where: string): void {
  if (type === 'iso-time') {
    assert.equal(typeof value, 'string', where);
    assert.equal(new Date(value as string).toISOString(), value, `${where} is ISO-8601`);
  } else {
    assert.equal(typeof value, type, where);
    if (type === 'number') assert.ok(Number.isFinite(value), where);
  }
}

async function statusJson(degrade: boolean): Promise<unknown> {
  const { app, engine } = await makeApp();
  try {
    if (!degrade) {
      // Both links known and checked: nothing may be null.
      engine.current = {
        ...engine.current,
        links: engine.current.links.map((l) => ({ ...l, gateway: l.gateway ?? '203.0.113.1', lastCheckMs: 1_700_000_000_000 })),
      };
    }
    const res = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
    assert.equal(res.statusCode, 200);
    return res.json();
  } finally {
    await app.close();
  }
}

for (const file of FILES) {
  describe(`Home Assistant YAML: ${file}`, () => {
    const ha = loadHa(file);
    const uses = usesOf(ha);

    it('reads the status paths the seed documents', () => {
      assert.ok(uses.length >= 20, `found ${uses.length} uses`);
      for (const rest of ha.rest) assert.equal(new URL(rest.resource).pathname, '/api/status');
    });

    it('every path resolves to a defined value of its type (all links known)', async () => {
      const json = await statusJson(false);
      for (const use of uses) {
        const where = `${use.sensor}: value_json.${use.path.join('.')}`;
        const leaf = use.path[use.path.length - 1] ?? '';
        const type = LEAF_TYPES[leaf];
        assert.ok(type !== undefined, `${where}: add its expected type to LEAF_TYPES`);
        const value = resolve(json, use.path);
        assert.notEqual(value, undefined, `${where} is defined`);
        assertType(value, type, where);
      }
    });

    it('with an unknown gateway only `or \'unknown\'` paths and nullable attributes are null', async () => {
      const json = await statusJson(true);
      for (const use of uses) {
        const where = `${use.sensor}: value_json.${use.path.join('.')}`;
        const value = resolve(json, use.path);
        assert.notEqual(value, undefined, `${where} is defined`);
        const leaf = use.path[use.path.length - 1] ?? '';
        // Attributes of a link not yet seen are null, as the seed's None was; templates must guard.
        const mayBeNull = use.nullable || leaf === 'gateway_ip' || leaf === 'last_check';
        if (value === null) assert.ok(mayBeNull, `${where} is null`);
        else assertType(value, LEAF_TYPES[leaf] ?? 'string', where);
      }
    });

    it('every rest_command is accepted as written', async () => {
      const { app, engine } = await makeApp();
      try {
        engine.current = {
          ...engine.current,
          links: engine.current.links.map((l) => ({ ...l, state: 'up', healthy: true, gateway: l.gateway ?? '203.0.113.1' })),
        };
        const names = Object.keys(ha.rest_command);
        assert.ok(names.length >= 4);
        for (const name of names) {
          const cmd = ha.rest_command[name] as RestCommand;
          const headers = Object.fromEntries(
            Object.entries(cmd.headers).map(([k, v]) => [k.toLowerCase(), v.replace('YOUR_API_KEY', KEY)]),
          );
          const res = await app.inject({
            method: cmd.method.toUpperCase() as 'POST',
            url: new URL(cmd.url).pathname,
            headers,
            payload: cmd.payload,
          });
          assert.equal(res.statusCode, 200, `${name}: ${res.body}`);
          assert.equal(res.json().success, true, name);
        }
        assert.deepEqual(engine.autoCalls, [true, false]);
        assert.deepEqual(engine.switchCalls.map((c) => c.target), ['primary', 'secondary']);
      } finally {
        await app.close();
      }
    });
  });
}
