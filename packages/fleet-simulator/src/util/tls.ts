import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** What one fleet run's HTTPS needs: a throwaway CA and one server certificate. */
export interface FleetTls {
  /** PEM of the CA certificate: what a client trusts (app-config `caCert`, kubeconfigs). */
  caCert: string;
  /** PEM of the server certificate (signed by the CA). */
  cert: string;
  /** PEM of the server certificate's private key. */
  key: string;
  /** Subject alternative names of the server certificate. */
  names: { dns: string[]; ips: string[] };
}

/** The names every fleet certificate covers (loopback); `host` is added when it is another. */
export const DEFAULT_TLS_NAMES = {
  dns: ['localhost'],
  ips: ['127.0.0.1', '::1'],
};

const SIGNING_DIGEST = () => forge.md.sha256.create();

/** RSA 2048 pair; node-forge hands this to Node's native (async, libuv pool) generator. */
function keyPair(): Promise<forge.pki.rsa.KeyPair> {
  return new Promise((resolve, reject) =>
    forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 }, (err, pair) =>
      err ? reject(err) : resolve(pair),
    ),
  );
}

/** A positive DER integer (the high bit of the first byte cleared), 16 random bytes. */
function serialNumber(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate) {
  const now = Date.now();
  // An hour back covers clock skew between the fleet and a client on another machine.
  cert.validity.notBefore = new Date(now - 3600_000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 3600_000);
}

function namesFor(host?: string) {
  const dns = [...DEFAULT_TLS_NAMES.dns];
  const ips = [...DEFAULT_TLS_NAMES.ips];
  // A wildcard listen address is reached through loopback (or a name we cannot know).
  if (host && host !== '0.0.0.0' && host !== '::') {
    const list = isIP(host) ? ips : dns;
    if (!list.includes(host)) list.push(host);
  }
  return { dns, ips };
}

/**
 * Generates a throwaway CA and one server certificate for loopback (and `host`). Called once
 * per fleet run: every service of the fleet serves the same certificate. Both key pairs are
 * generated at the same time (node-forge uses Node's native RSA generation).
 */
export async function generateFleetTls(
  opts: { host?: string; commonName?: string } = {},
): Promise<FleetTls> {
  const { pki } = forge;
  const [caKeys, serverKeys] = await Promise.all([keyPair(), keyPair()]);
  const names = namesFor(opts.host);

  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  validity(ca);
  const caSubject = [
    { name: 'commonName', value: opts.commonName ?? 'fleet-simulator CA' },
    { name: 'organizationName', value: 'fleet-simulator (throwaway)' },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, SIGNING_DIGEST());

  const leaf = pki.createCertificate();
  leaf.publicKey = serverKeys.publicKey;
  leaf.serialNumber = serialNumber();
  validity(leaf);
  leaf.setSubject([{ name: 'commonName', value: names.dns[0] }]);
  leaf.setIssuer(caSubject);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...names.dns.map(value => ({ type: 2, value })),
        ...names.ips.map(ip => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    // `keyIdentifier: true` would take the leaf's own key: name the CA's.
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  leaf.sign(caKeys.privateKey, SIGNING_DIGEST());

  // node-forge ends PEM lines with CRLF; LF reads better in YAML and files.
  const lf = (pem: string) => pem.replace(/\r\n/g, '\n');
  return {
    caCert: lf(pki.certificateToPem(ca)),
    cert: lf(pki.certificateToPem(leaf)),
    key: lf(pki.privateKeyToPem(serverKeys.privateKey)),
    names,
  };
}
