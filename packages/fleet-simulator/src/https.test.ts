import { X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { startFleet, Fleet } from './fleet';
import { request, stopAndClean, tempDir } from './testUtils';

jest.setTimeout(60_000);

describe('the fleet over HTTPS (the default: no tls option)', () => {
  let fleet: Fleet;
  let ca: string;
  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
    });
    ca = fleet.tls!.caCert;
  });
  afterAll(() => stopAndClean(fleet));

  const login = async (url: string, username: string, password: string) =>
    (
      await request(`${url}/api/v1/session`, {
        method: 'POST',
        body: { username, password },
        ca,
      })
    ).json().token as string;

  it('serves every Argo CD, cost and kube API on https with one CA, written to a file', async () => {
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\r?\n/);
    expect(await fs.readFile(fleet.tls!.caFile, 'utf8')).toBe(ca);
    const urls = [
      ...fleet.argo.map(a => a.url),
      ...fleet.cost.map(c => c.url),
      ...fleet.kube.map(k => k.url),
    ];
    expect(urls).toHaveLength(6);
    urls.forEach(u => expect(u).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/));
    // The control endpoint stays plain HTTP (test tooling, the UrlReader's file reads).
    expect(fleet.controlUrl).toMatch(/^http:\/\//);

    const version = await request(`${fleet.argo[0].url}/api/version`, { ca });
    expect(version.status).toBe(200);
    expect(version.json().Version).toMatch(/^v3\./);

    const a = fleet.argo[1];
    const token = await login(a.url, a.username, a.password);
    const app = await request(
      `${a.url}/api/v1/applications/payments-api-prod`,
      { ca, headers: { authorization: `Bearer ${token}` } },
    );
    expect(app.json().status.sync.status).toBe('OutOfSync');

    const cost = await request(
      `${fleet.cost[1].url}/allocation/compute?window=1d&aggregate=namespace`,
      { ca },
    );
    expect(cost.status).toBe(200);
    expect(cost.json().code).toBe(200);

    const kube = await request(`${fleet.kube[0].url}/version`, {
      ca,
      headers: { authorization: `Bearer ${fleet.kube[0].token}` },
    });
    expect(kube.status).toBe(200);
    expect(kube.json().gitVersion).toMatch(/^v1\./);
  });

  it('is rejected by a client that does not trust the CA (the chain ends in a self-signed CA)', async () => {
    for (const u of [fleet.argo[0].url, fleet.cost[0].url, fleet.kube[0].url]) {
      await expect(request(`${u}/version`)).rejects.toMatchObject({
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      });
    }
    // Node's fetch (undici) says the same in the cause.
    const err = await fetch(`${fleet.argo[0].url}/api/version`).catch(e => e);
    expect(err.message).toBe('fetch failed');
    expect(err.cause.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('has a certificate for localhost and ::1 too, and for nothing else', async () => {
    const url = `${fleet.argo[0].url}/api/version`;
    const asLocalhost = await request(url, { ca, servername: 'localhost' });
    expect(asLocalhost.status).toBe(200);
    await expect(
      request(url, { ca, servername: 'argocd.example.com' }),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });

    const v6 = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      instances: 1,
      clusters: 1,
      host: '::1',
      tls: true,
    });
    try {
      expect(v6.argo[0].url).toMatch(/^https:\/\/\[::1\]:\d+$/);
      // Node 22.23's own check no longer matches IPv6 literals against IP SANs
      // (nodejs/node#64144), so the name is checked with X509Certificate here.
      const seen: string[] = [];
      const res = await request(`${v6.argo[0].url}/api/version`, {
        ca: v6.tls!.caCert,
        checkServerIdentity: (host, cert) => {
          seen.push(host);
          return new X509Certificate(cert.raw).checkIP(host) === host
            ? undefined
            : new Error(`${host} is not in the certificate`);
        },
      });
      expect(seen).toEqual(['::1']);
      expect(res.status).toBe(200);
    } finally {
      await stopAndClean(v6);
    }
  });

  it('writes kubeconfigs with the CA that @kubernetes/client-node trusts, and nothing insecure', async () => {
    for (const k of fleet.kube) {
      const cfg = parse(await fs.readFile(k.kubeconfigPath, 'utf8'));
      const cluster = cfg.clusters[0].cluster;
      expect(cluster.server).toBe(k.url);
      expect(cluster.server).toMatch(/^https:/);
      expect(
        Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
      ).toBe(ca);
      expect(cluster).not.toHaveProperty('insecure-skip-tls-verify');
    }
    const kc = new KubeConfig();
    kc.loadFromFile(fleet.kube[1].kubeconfigPath);
    const list: any = await kc
      .makeApiClient(CustomObjectsApi)
      .listNamespacedCustomObject({
        group: 'velero.io',
        version: 'v1',
        namespace: 'velero',
        plural: 'backups',
      });
    expect(list.kind).toBe('BackupList');
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items[0].metadata.namespace).toBe('velero');
  });

  it('puts the CA into the app-config fragment for each Argo CD instance and cost engine', () => {
    const { gitops } = fleet.appConfig() as { gitops: any };
    expect(gitops.argocd.instances).toHaveLength(2);
    for (const i of gitops.argocd.instances) {
      expect(i.url).toMatch(/^https:/);
      expect(i.caCert).toBe(ca);
    }
    expect(gitops.cost.clusters).toHaveLength(2);
    for (const c of gitops.cost.clusters) {
      expect(c.url).toMatch(/^https:/);
      expect(c.caCert).toBe(ca);
    }
    // Velero clusters are read from their kubeconfig, which carries the CA.
    expect(gitops.velero.clusters.map((c: any) => c.kubeconfigPath)).toEqual(
      fleet.kube.map(k => k.kubeconfigPath),
    );
    expect(fleet.appConfigYaml()).toContain('caCert: |');
  });
});

describe('the fleet over plain HTTP (tls: false, for debugging)', () => {
  it('has http URLs, no CA, and the kubeconfig insecure flag (client-node refuses http without it)', async () => {
    const fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      instances: 1,
      clusters: 1,
      tls: false,
    });
    try {
      expect(fleet.tls).toBeUndefined();
      expect(fleet.argo[0].url).toMatch(/^http:\/\//);
      expect(fleet.kube[0].url).toMatch(/^http:\/\//);
      const { gitops } = fleet.appConfig() as { gitops: any };
      expect(gitops.argocd.instances[0]).not.toHaveProperty('caCert');
      expect(gitops.cost.clusters[0]).not.toHaveProperty('caCert');
      const cfg = parse(
        await fs.readFile(fleet.kube[0].kubeconfigPath, 'utf8'),
      );
      expect(cfg.clusters[0].cluster).toEqual({
        server: fleet.kube[0].url,
        'insecure-skip-tls-verify': true,
      });
    } finally {
      await stopAndClean(fleet);
    }
  });
});
