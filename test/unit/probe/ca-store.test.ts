// HTTPS probes trust Node's roots, the system bundle and NODE_EXTRA_CA_CERTS together (issue 23).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { trustedCas } from '../../../src/probe/ca-store.js';

test('the first system bundle found and NODE_EXTRA_CA_CERTS come beside Node\'s roots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wf-ca-'));
  try {
    writeFileSync(join(dir, 'system.pem'), 'SYSTEM');
    writeFileSync(join(dir, 'other.pem'), 'OTHER');
    writeFileSync(join(dir, 'extra.pem'), 'EXTRA');
    const cas = trustedCas({ NODE_EXTRA_CA_CERTS: join(dir, 'extra.pem') }, [join(dir, 'missing.pem'), join(dir, 'system.pem'), join(dir, 'other.pem')]);
    assert.deepEqual(cas.slice(rootCertificates.length), ['SYSTEM', 'EXTRA']);
    assert.equal(cas.length, rootCertificates.length + 2);
    assert.deepEqual(trustedCas({}, [join(dir, 'missing.pem')]), [...rootCertificates]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
