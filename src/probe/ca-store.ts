// The certificate authorities an https:// probe trusts (issue 23: "the system's CAs"): the
// system's bundle, where the distribution keeps it, beside Node's own (Mozilla's) roots and
// NODE_EXTRA_CA_CERTS. Node alone would trust only its bundled roots, and an explicit `ca` option
// replaces those and the extra certificates, so all three are handed over together. Read and
// parsed once, at the first HTTPS probe, into one secure context every probe shares (a `ca` per
// connection would parse the whole bundle at every handshake); a missing file is skipped.
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** Where distributions keep the system bundle (Debian/Ubuntu/OpenWrt, Fedora/RHEL, openSUSE, Alpine/BSD). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

let shared: SecureContext | null = null;

function readable(path: string | undefined): string | null {
  if (path === undefined || path === '') return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Node's roots, the system bundle (the first found) and NODE_EXTRA_CA_CERTS, as PEM texts. */
export function trustedCas(env: NodeJS.ProcessEnv = process.env, bundles: readonly string[] = SYSTEM_BUNDLES): string[] {
  const system = bundles.map(readable).find((t) => t !== null) ?? null;
  const extra = readable(env['NODE_EXTRA_CA_CERTS']);
  return [...rootCertificates, ...(system !== null ? [system] : []), ...(extra !== null ? [extra] : [])];
}

/** The secure context of every verified https:// probe, built once from trustedCas(). */
export function trustedContext(): SecureContext {
  return (shared ??= createSecureContext({ ca: trustedCas() }));
}
