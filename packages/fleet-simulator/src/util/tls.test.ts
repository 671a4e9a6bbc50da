import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generateFleetTls } from './tls';

jest.setTimeout(30_000);

describe('generateFleetTls', () => {
  it('makes a CA and a loopback server certificate signed by it', async () => {
    const tls = await generateFleetTls();
    const ca = new X509Certificate(tls.caCert);
    const leaf = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe(ca.issuer);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(
      Date.now() + 300 * 24 * 3600_000,
    );
    // The private key is the certificate's.
    expect(leaf.checkPrivateKey(createPrivateKey(tls.key))).toBe(true);
  });

  it('adds a listen host that is not loopback to the names, and each run gets its own CA', async () => {
    const [a, b] = await Promise.all([
      generateFleetTls({ host: '10.1.2.3' }),
      generateFleetTls({ host: 'fleet.internal' }),
    ]);
    expect(a.names.ips).toEqual(['127.0.0.1', '::1', '10.1.2.3']);
    expect(new X509Certificate(a.cert).checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(b.names.dns).toEqual(['localhost', 'fleet.internal']);
    expect(new X509Certificate(b.cert).checkHost('fleet.internal')).toBe(
      'fleet.internal',
    );
    expect(a.caCert).not.toBe(b.caCert);
    expect(
      new X509Certificate(a.cert).checkIssued(new X509Certificate(b.caCert)),
    ).toBe(false);
    const wildcard = await generateFleetTls({ host: '0.0.0.0' });
    expect(wildcard.names).toEqual({
      dns: ['localhost'],
      ips: ['127.0.0.1', '::1'],
    });
  });
});
