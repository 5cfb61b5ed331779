import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import * as net from 'node:net';

/**
 * A self-signed X.509 v3 certificate (ECDSA P-256, SHA-256) built with node:crypto alone:
 * Node has no API that makes certificates, and the gateway should not need openssl on
 * the host nor a dependency for ~100 lines of DER (RFC 5280 §4.1).
 */
export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
}

export interface SelfSignedOptions {
  commonName: string;
  /** DNS names and IP addresses for the subjectAltName (what clients check the host against). */
  altNames: string[];
  days: number;
  now?: Date;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
};

export function createSelfSignedCert(options: SelfSignedOptions): SelfSignedCert {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000); // an hour of clock skew
  const notAfter = new Date(now.getTime() + options.days * 24 * 60 * 60 * 1000);
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive INTEGER (RFC 5280 §4.1.2.2)
  const name = seq(set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from(options.commonName)))));
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
    tlv(0xa3, seq(...extensions(spki, options.altNames))),
  );
  const signature = sign('sha256', tbs, privateKey); // DER ECDSA-Sig-Value
  const cert = seq(tbs, algorithm, bitString(signature));
  return {
    certPem: pem('CERTIFICATE', cert),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function extensions(spki: Buffer, altNames: string[]): Buffer[] {
  // The certificate is its own trust anchor (`--cafile cert.pem`): CA:TRUE lets OpenSSL
  // accept it as one; it signs nothing else.
  const basic = seq(
    oid(OID.basicConstraints),
    tlv(0x01, Buffer.from([0xff])),
    octets(seq(tlv(0x01, Buffer.from([0xff])))),
  );
  const keyId = createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
  const ski = seq(oid(OID.subjectKeyIdentifier), octets(octets(keyId)));
  const general = altNames.map((n) =>
    net.isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii')),
  );
  const san = seq(oid(OID.subjectAltName), octets(seq(...general)));
  // A subjectAltName must name at least one (RFC 5280 §4.2.1.6): none given, none written.
  return general.length ? [basic, ski, san] : [basic, ski];
}

/** A P-256 SPKI ends in the 65-byte uncompressed point: the key identifier hashes it (RFC 5280 §4.2.1.2). */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  return spki.subarray(spki.length - 65);
}

function ipBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const h = parts(head);
  const t = parts(tail);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else len = Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2)))
    : tlv(0x18, Buffer.from(iso));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
