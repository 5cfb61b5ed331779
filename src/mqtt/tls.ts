import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../config/config';
import { createSelfSignedCert } from './self-signed-cert';

/** The gateway's certificate and key (PEM), shared by MQTT over TLS and HTTPS. */
export interface TlsMaterial {
  cert: string;
  key: string;
  certFile: string;
  /** SHA-256 of the certificate's DER, colon-separated hex (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint: string;
  /** True when this call made a new self-signed pair. */
  generated: boolean;
}

export class TlsMaterialError extends Error {
  readonly code = 'tls_material';
}

/** Ten years: a self-signed certificate is trusted by pinning it, not by a CA's expiry policy. */
const SELF_SIGNED_DAYS = 3650;

/**
 * Reads the certificate and key (VMFLEET_TLS_CERT/KEY, else `<data dir>/tls/`); the first
 * start with neither makes a self-signed pair there (key mode 0600).
 */
export function loadTlsMaterial(config: Config): TlsMaterial {
  const { certFile, keyFile, generate } = config.tls;
  let generated = false;
  if (generate && !fs.existsSync(certFile) && !fs.existsSync(keyFile)) {
    const pair = createSelfSignedCert({
      commonName: `vmfleet gateway ${os.hostname()}`,
      altNames: altNames(config),
      days: SELF_SIGNED_DAYS,
    });
    fs.mkdirSync(path.dirname(certFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
    fs.writeFileSync(certFile, pair.certPem, { mode: 0o644 });
    generated = true;
  }
  const cert = read(certFile, 'certificate');
  const key = read(keyFile, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TlsMaterialError(`${certFile} is not a PEM certificate: ${(err as Error).message}`);
  }
  return { cert, key, certFile, fingerprint: x509.fingerprint256, generated };
}

function read(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const hint =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? '; set VMFLEET_TLS_CERT and VMFLEET_TLS_KEY, or remove both files to have a self-signed pair made'
        : '';
    throw new TlsMaterialError(
      `cannot read the TLS ${what} ${file}: ${(err as Error).message}${hint}`,
    );
  }
}

/** The names a client may dial: loopback, this host's name, and the bind address if it is one. */
function altNames(config: Config): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1', os.hostname()]);
  const host = config.bindHost;
  if (host !== '0.0.0.0' && host !== '::' && !host.includes('%')) names.add(host);
  return [...names];
}
