import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { capturingLogger } from '../__testUtils__/fleetBackend';
import {
  selfSigned,
  startJsonServer,
  startPlainServer,
  throwawayCa,
  type TestServer,
} from '../__testUtils__/tlsServers';
import { UpstreamError } from './errors';
import { fetchJson, openStream } from './http';
import {
  tlsError,
  tlsFetch,
  upstreamTls,
  warnIfInsecure,
  type TlsConfig,
} from './tls';

// Real HTTPS servers with certificates made here (RSA keys: a few hundred ms each).
jest.setTimeout(60_000);

const argo = (config: TlsConfig) =>
  upstreamTls(
    'Argo CD instance',
    'argocd-main',
    'gitops.argocd.instances[0]',
    config,
  );

const get = (url: string, tls: ReturnType<typeof argo>) =>
  fetchJson(url, { timeoutMs: 5000, fetchFn: tlsFetch(tls) });

const KEY = 'gitops.argocd.instances[0]';

describe("tlsFetch: one upstream's own TLS", () => {
  let ca: Awaited<ReturnType<typeof throwawayCa>>;
  let otherCa: Awaited<ReturnType<typeof throwawayCa>>;
  const servers: Record<string, TestServer> = {};
  let dir: string;

  beforeAll(async () => {
    [ca, otherCa] = await Promise.all([throwawayCa(), throwawayCa('other CA')]);
    const [leaf, chained, self, expired, otherName] = await Promise.all([
      ca.issue(),
      ca.issue({ chain: true }),
      selfSigned(),
      ca.issue({ expired: true }),
      ca.issue({ names: { dns: ['argocd.example.com'] } }),
    ]);
    Object.assign(servers, {
      leaf: await startJsonServer(leaf),
      chained: await startJsonServer(chained),
      self: await startJsonServer(self),
      expired: await startJsonServer(expired),
      otherName: await startJsonServer(otherName),
      plain: await startPlainServer(),
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-tls-'));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map(s => s.close()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  const https = (name: string) => servers[name].url.replace(/^http:/, 'https:');

  it('reads an upstream whose certificate the configured CA signed (caCert, caFile)', async () => {
    const byCert = await get(https('leaf'), argo({ caCert: ca.caCert }));
    expect(byCert.body).toEqual({ ok: true, path: '/' });
    const file = path.join(dir, 'ca.pem');
    await fs.writeFile(file, ca.caCert);
    const byFile = await get(`${https('chained')}/api`, argo({ caFile: file }));
    expect(byFile.body).toEqual({ ok: true, path: '/api' });
  });

  it.each([
    ['the leaf alone', 'leaf', 'unable to verify the first certificate'],
    [
      'the leaf and its CA',
      'chained',
      'self-signed certificate in certificate chain',
    ],
    ['a self-signed certificate', 'self', 'self-signed certificate'],
  ])(
    'without the CA, a server sending %s fails naming the upstream and the key to set',
    async (_what, server, reason) => {
      const expected = `${reason} for argocd-main: set ${KEY}.caCert (or caFile)`;
      await expect(get(https(server), argo({}))).rejects.toMatchObject({
        name: 'UpstreamError',
        code: 'tls',
        message: expected,
      });
      // Another CA than the one that signed it: the same.
      await expect(
        get(https(server), argo({ caCert: otherCa.caCert })),
      ).rejects.toMatchObject({ message: expected });
      // The list and the stream read through openStream: the same text.
      await expect(
        openStream(https(server), {
          connectTimeoutMs: 5000,
          idleTimeoutMs: 5000,
          fetchFn: tlsFetch(argo({})),
        }),
      ).rejects.toMatchObject({ code: 'tls', message: expected });
    },
  );

  it('an expired certificate, a certificate for another name, a port without TLS: each says what to fix', async () => {
    const tls = argo({ caCert: ca.caCert });
    await expect(get(https('expired'), tls)).rejects.toMatchObject({
      message: `certificate has expired for argocd-main: renew the server's certificate (or, for a test setup only, set ${KEY}.insecureSkipTLSVerify)`,
    });
    await expect(get(https('otherName'), tls)).rejects.toMatchObject({
      message: `certificate does not name 127.0.0.1 for argocd-main: point ${KEY}.url at a name the certificate holds (or reissue the certificate for 127.0.0.1)`,
    });
    await expect(get(https('plain'), tls)).rejects.toMatchObject({
      message: `the server does not speak TLS for argocd-main: check that ${KEY}.url is https:// on the server's TLS port`,
    });
  });

  it('insecureSkipTLSVerify reads any certificate, for that upstream only: every other fetch stays verified', async () => {
    const insecure = argo({ insecureSkipTLSVerify: true });
    for (const name of ['self', 'expired', 'otherName', 'chained']) {
      expect((await get(https(name), insecure)).body).toMatchObject({
        ok: true,
      });
    }
    // Not process-wide: the global fetch, an upstream without TLS config and one with
    // another CA still refuse the same server.
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    await expect(fetch(https('self'))).rejects.toMatchObject({
      cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
    await expect(get(https('self'), argo({}))).rejects.toMatchObject({
      code: 'tls',
    });
    await expect(
      get(https('leaf'), argo({ caCert: otherCa.caCert })),
    ).rejects.toMatchObject({ code: 'tls' });
  });

  it('a refused connection is not a TLS error', async () => {
    const closed = await startPlainServer();
    await closed.close();
    await expect(
      get(closed.url, argo({ caCert: ca.caCert })),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/connection error ECONNREFUSED$/),
    });
  });

  it.each([
    [
      'SELF_SIGNED_CERT_IN_CHAIN',
      'self-signed certificate in certificate chain',
    ],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'unable to verify the first certificate',
    ],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'unable to get local issuer certificate',
    ],
  ])(
    'maps %s (undici: cause.code; node-fetch: code) to "%s" and the CA keys',
    (code, reason) => {
      const tls = upstreamTls(
        'Velero cluster',
        'cluster-prod',
        'gitops.velero.clusters[1]',
        {},
        { otherCa: "the kubeconfig's certificate-authority-data" },
      );
      const expected = `${reason} for cluster-prod: set gitops.velero.clusters[1].caCert (or caFile, or the kubeconfig's certificate-authority-data)`;
      const undici = new TypeError('fetch failed', {
        cause: Object.assign(new Error('x'), { code }),
      });
      const nodeFetch = Object.assign(new Error('request failed'), {
        code,
        type: 'system',
      });
      for (const error of [undici, nodeFetch]) {
        const mapped = tlsError(error, tls, 'https://10.0.0.1:6443/apis');
        expect(mapped).toBeInstanceOf(UpstreamError);
        expect(mapped?.message).toBe(expected);
      }
      expect(
        tlsError(Object.assign(new Error('x'), { code: 'ECONNRESET' }), tls),
      ).toBeUndefined();
    },
  );

  it('warns, naming the upstream and the key that turned verification off', () => {
    const lines: string[] = [];
    const logger = capturingLogger(lines);
    warnIfInsecure(logger, argo({ caCert: ca.caCert }));
    expect(lines).toEqual([]);
    warnIfInsecure(logger, argo({ insecureSkipTLSVerify: true }));
    warnIfInsecure(
      logger,
      upstreamTls('Velero cluster', 'c1', 'gitops.velero.clusters[0]', {
        skipTLSVerify: true,
      }),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^warn gitops: TLS verification is OFF for Argo CD instance argocd-main \(gitops\.argocd\.instances\[0\]\.insecureSkipTLSVerify\)/,
    );
    expect(lines[1]).toContain(
      'TLS verification is OFF for Velero cluster c1 (gitops.velero.clusters[0].skipTLSVerify)',
    );
  });
});
