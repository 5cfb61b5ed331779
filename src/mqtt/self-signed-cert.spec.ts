import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSelfSignedCert } from './self-signed-cert';

describe('createSelfSignedCert', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  const pair = createSelfSignedCert({
    commonName: 'vmfleet gateway test',
    altNames: ['localhost', '127.0.0.1', '::1', 'fd00:dead:beef::1'],
    days: 10,
    now,
  });
  const cert = new X509Certificate(pair.certPem);

  it('is a self-signed CA certificate whose key is the one returned', () => {
    expect(cert.subject).toBe('CN=vmfleet gateway test');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(pair.keyPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  it('carries the DNS names and IPv4/IPv6 addresses it was given', () => {
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FD00:DEAD:BEEF:0:0:0:0:1',
    );
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('is valid from an hour before now for the given days', () => {
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-12-03T11:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2026-12-13T12:00:00.000Z');
  });

  it('writes dates from 2050 on as GeneralizedTime (RFC 5280 §4.1.2.5)', () => {
    const late = createSelfSignedCert({ commonName: 'x', altNames: [], days: 10_000, now });
    expect(new Date(new X509Certificate(late.certPem).validTo).getUTCFullYear()).toBe(2054);
  });

  it('gives every certificate its own key and serial number', () => {
    const other = new X509Certificate(
      createSelfSignedCert({ commonName: 'x', altNames: [], days: 1 }).certPem,
    );
    expect(other.serialNumber).not.toBe(cert.serialNumber);
    expect(other.fingerprint256).not.toBe(cert.fingerprint256);
  });
});
