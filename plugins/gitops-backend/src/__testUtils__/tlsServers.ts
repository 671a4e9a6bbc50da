import forge from 'node-forge';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** A certificate and its key, PEM. */
export type KeyPair = { cert: string; key: string };

const keyPair = () =>
  new Promise<forge.pki.rsa.KeyPair>((resolve, reject) =>
    forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 }, (err, pair) =>
      err ? reject(err) : resolve(pair),
    ),
  );

const serial = () => {
  const b = randomBytes(12);
  b[0] &= 0x7f;
  return b.toString('hex');
};

const HOUR = 3600_000;

function certificate(options: {
  subject: string;
  publicKey: forge.pki.PublicKey;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  signingKey: forge.pki.rsa.PrivateKey;
  ca?: boolean;
  names?: { dns?: string[]; ips?: string[] };
  expired?: boolean;
}) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.publicKey;
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - (options.expired ? 48 : 1) * HOUR);
  cert.validity.notAfter = new Date(now + (options.expired ? -24 : 24) * HOUR);
  const subject = [{ name: 'commonName', value: options.subject }];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer?.cert.subject.attributes ?? subject);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [
              ...(options.names?.dns ?? []).map(value => ({ type: 2, value })),
              ...(options.names?.ips ?? []).map(ip => ({ type: 7, ip })),
            ],
          },
        ],
  );
  cert.sign(options.signingKey, forge.md.sha256.create());
  return cert;
}

const LOOPBACK = { dns: ['localhost'], ips: ['127.0.0.1'] };

/**
 * A throwaway CA made in the test (node-forge), and server certificates it issues: for
 * loopback by default, or for other names, or expired. `chain` serves the CA with the leaf.
 */
export async function throwawayCa(name = 'gitops test CA') {
  const caKeys = await keyPair();
  const caCert = certificate({
    subject: name,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    ca: true,
  });
  const caPem = forge.pki.certificateToPem(caCert);
  return {
    /** PEM of the CA: what a client trusts. */
    caCert: caPem,
    async issue(
      options: {
        names?: { dns?: string[]; ips?: string[] };
        expired?: boolean;
        chain?: boolean;
      } = {},
    ): Promise<KeyPair> {
      const keys = await keyPair();
      const leaf = certificate({
        subject: options.names?.dns?.[0] ?? 'localhost',
        publicKey: keys.publicKey,
        issuer: { cert: caCert, key: caKeys.privateKey },
        signingKey: caKeys.privateKey,
        names: options.names ?? LOOPBACK,
        expired: options.expired,
      });
      const pem = forge.pki.certificateToPem(leaf);
      return {
        cert: options.chain ? `${pem}${caPem}` : pem,
        key: forge.pki.privateKeyToPem(keys.privateKey),
      };
    },
  };
}

/** A self-signed server certificate for loopback (what Argo CD's default install serves). */
export async function selfSigned(): Promise<KeyPair> {
  const keys = await keyPair();
  const cert = certificate({
    subject: 'localhost',
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    names: LOOPBACK,
  });
  return {
    cert: forge.pki.certificateToPem(cert),
    key: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

export type TestServer = { url: string; close(): Promise<void> };

const listen = async (
  server: http.Server | https.Server,
  scheme: string,
  prefix = '',
): Promise<TestServer> => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** An HTTPS server answering every request with `{ok: true, path}`. */
export function startJsonServer(pair: KeyPair): Promise<TestServer> {
  const server = https.createServer(pair, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  return listen(server, 'https');
}

/** A plain HTTP server on a port a client is told speaks HTTPS. */
export function startPlainServer(): Promise<TestServer> {
  const server = http.createServer((_req, res) => res.end('{}'));
  return listen(server, 'http');
}

export type TlsProxy = TestServer & {
  /** Every path asked, with the answer's status (404 outside the prefix). */
  requests: Array<{ method: string; path: string; status: number }>;
};

/**
 * An ingress in front of a (simulated) upstream: terminates TLS with `pair` and forwards to
 * `target` what arrives under `prefix` (stripped), streaming both ways; anything outside the
 * prefix is a 404, as behind a path-routing ingress. Its url includes the prefix.
 */
export async function startTlsProxy(options: {
  target: string;
  pair: KeyPair;
  prefix?: string;
}): Promise<TlsProxy> {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const target = new URL(options.target);
  const client = target.protocol === 'https:' ? https : http;
  const requests: TlsProxy['requests'] = [];
  const server = https.createServer(options.pair, (req, res) => {
    const path = req.url ?? '/';
    const entry = { method: req.method ?? 'GET', path, status: 0 };
    requests.push(entry);
    const rest = path.startsWith(prefix)
      ? path.slice(prefix.length)
      : undefined;
    if (rest === undefined || !/^([/?]|$)/.test(rest)) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `no route for ${path}` }));
      return;
    }
    const upstream = client.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname.replace(/\/+$/, '')}${rest || '/'}`,
        headers: { ...req.headers, host: target.host },
        // The hop behind the ingress (the simulator), not what the test checks.
        rejectUnauthorized: false,
      },
      answer => {
        entry.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  const listening = await listen(server, 'https', prefix);
  return { ...listening, requests };
}
