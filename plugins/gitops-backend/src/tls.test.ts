import {
  mockCredentials,
  type TestBackend,
} from '@backstage/backend-test-utils';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import {
  OWNER,
  overviewPath,
  startGitopsBackend,
  startTestFleet,
  waitFor,
} from './__testUtils__/fleetBackend';

// The simulated fleet over HTTPS (its own throwaway CA), Argo CD behind an ingress path.
jest.setTimeout(90_000);

const OVERVIEW = overviewPath('payments-api');
const BASE = '/api/gitops/entities/component/default/payments-api';
const NOT_READ = 'not read yet';

async function overviewWhen(
  backend: TestBackend,
  ready: (body: EntityOverview) => boolean,
  what: string,
): Promise<EntityOverview> {
  let body: EntityOverview | undefined;
  await waitFor(
    async () => {
      const res = await request(backend.server).get(OVERVIEW);
      body = res.body;
      return res.status === 200 && ready(res.body);
    },
    30_000,
    what,
  );
  return body!;
}

const source = (body: EntityOverview, kind: string, name: string) =>
  body.sources.find(s => s.kind === kind && s.name === name);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the backend on an HTTPS fleet (throwaway CA, Argo CD at /argocd)', () => {
  let fleet: Fleet;
  let dir: string;
  let cleanup: () => Promise<void>;
  /** The fleet's kubeconfigs without their certificate-authority-data. */
  const bareKubeconfigs: string[] = [];

  beforeAll(async () => {
    ({ fleet, dir, cleanup } = await startTestFleet({
      tls: true,
      argoInstances: [{ pathPrefix: '/argocd' }, { pathPrefix: '/argocd' }],
    }));
    for (const kube of fleet.kube) {
      const kc = parse(await fs.readFile(kube.kubeconfigPath, 'utf8'));
      for (const c of kc.clusters) {
        delete c.cluster['certificate-authority-data'];
        delete c.cluster['insecure-skip-tls-verify'];
      }
      const file = path.join(dir, `${kube.cluster}-no-ca.kubeconfig`);
      await fs.writeFile(file, stringify(kc), { mode: 0o600 });
      bareKubeconfigs.push(file);
    }
  });
  afterAll(() => cleanup());

  it('serves its upstreams on https, under the prefix, with the CA in the fragment', () => {
    const gitops = (fleet.appConfig() as { gitops: any }).gitops;
    for (const a of fleet.argo) {
      expect(a.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/argocd$/);
    }
    expect(gitops.argocd.instances[0].caCert).toBe(fleet.tls!.caCert);
    expect(gitops.cost.clusters[1].caCert).toBe(fleet.tls!.caCert);
    // Velero's CA is in the kubeconfigs (the tests below also use copies without it).
    for (const kube of fleet.kube) {
      const kc = parse(readFileSync(kube.kubeconfigPath, 'utf8'));
      expect(kc.clusters[0].cluster['certificate-authority-data']).toBe(
        Buffer.from(fleet.tls!.caCert).toString('base64'),
      );
    }
  });

  it('with the right CA (caCert, caFile, the kubeconfig’s own) reads every upstream, keeping the prefix on every Argo CD call', async () => {
    const logs: string[] = [];
    const backend = await startGitopsBackend({
      fleet,
      logs,
      gitops: g => {
        const [main, prod] = g.argocd.instances;
        // argocd-main: caCert from the fragment, and webUrl left to default to url.
        delete main.webUrl;
        delete prod.caCert;
        prod.caFile = fleet.tls!.caFile;
        delete g.cost.clusters[1].caCert;
        g.cost.clusters[1].caFile = fleet.tls!.caFile;
        return g;
      },
    });
    const body = (await request(backend.server).get(OVERVIEW))
      .body as EntityOverview;
    expect(body.sources).toHaveLength(6);
    for (const s of body.sources) expect(s).toMatchObject({ status: 'ok' });
    expect(body.environments.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    for (const env of body.environments.slice(1)) {
      expect(env.cost?.total).toBeGreaterThan(0);
      expect(env.backup?.lastSuccessfulAt).toBeDefined();
    }
    // Deep links keep the prefix, whether webUrl is set (prod) or defaults to url (main).
    const [dev, , prod] = body.environments;
    expect(dev.applications[0].url).toMatch(
      new RegExp(`^${escape(fleet.argo[0].url)}/applications/`),
    );
    expect(prod.applications[0].url).toMatch(
      new RegExp(`^${escape(fleet.argo[1].webUrl)}/applications/`),
    );
    expect(prod.applications[0].url).toContain('/argocd/applications/');

    // The tab's reads and an action go through the prefix too (outside it: Argo's 404).
    const history = await request(backend.server).get(`${BASE}/history`);
    expect(history.status).toBe(200);
    expect(
      history.body.entries.find(
        (e: { application: string }) => e.application === 'payments-api-prod',
      ),
    ).toMatchObject({ author: expect.any(String) });
    const resources = await request(backend.server).get(`${BASE}/resources`);
    expect(resources.status).toBe(200);
    expect(
      resources.body.applications
        .find((a: { name: string }) => a.name === 'payments-api-prod')
        .resources.some((r: { kind: string }) => r.kind === 'Deployment'),
    ).toBe(true);
    const sync = await request(backend.server)
      .post(`${BASE}/applications/argocd-prod/payments-api-prod/sync`)
      .set('authorization', mockCredentials.user.header(OWNER));
    expect(sync.status).toBe(200);
    expect(sync.body.application.operation).toMatchObject({ phase: 'Running' });
    await fleet.clock.advance(20_000);

    expect(logs.filter(l => l.includes('TLS verification is OFF'))).toEqual([]);
    await backend.stop();
  });

  it('without the CA, each upstream’s card shows the TLS error naming it and the key to set; the other cards still render', async () => {
    const secrets = [
      ...fleet.argo.flatMap(a => [a.password, a.token]),
      ...fleet.kube.map(k => k.token),
    ];
    const backend = await startGitopsBackend({
      fleet,
      cold: true,
      gitops: g => {
        delete g.argocd.instances[1].caCert;
        delete g.cost.clusters[1].caCert;
        g.velero.clusters[1].kubeconfigPath = bareKubeconfigs[1];
        return g;
      },
    });
    // A page view answers at once, whatever the upstreams do.
    expect((await request(backend.server).get(OVERVIEW)).status).toBe(200);
    const prodFailing = ['argocd-prod', 'cluster-prod'];
    const body = await overviewWhen(
      backend,
      b =>
        b.sources.length === 6 &&
        b.sources.every(s =>
          prodFailing.includes(s.name)
            ? s.status === 'error' && s.error !== NOT_READ
            : s.status === 'ok',
        ),
      'the prod upstreams to fail and the others to be read',
    );
    const chain = 'self-signed certificate in certificate chain';
    expect(source(body, 'deployment', 'argocd-prod')?.error).toBe(
      `${chain} for argocd-prod: set gitops.argocd.instances[1].caCert (or caFile)`,
    );
    expect(source(body, 'cost', 'cluster-prod')?.error).toBe(
      `${chain} for cluster-prod: set gitops.cost.clusters[1].caCert (or caFile)`,
    );
    expect(source(body, 'backup', 'cluster-prod')?.error).toBe(
      `${chain} for cluster-prod: set gitops.velero.clusters[1].caCert (or caFile, or the kubeconfig's certificate-authority-data)`,
    );
    for (const s of body.sources) {
      for (const secret of secrets) expect(s.error ?? '').not.toContain(secret);
    }
    // The cards argocd-main, cluster-main's cost and backups feed still render.
    expect(body.environments.map(e => e.name)).toEqual(['dev', 'staging']);
    expect(body.environments[1].cost?.total).toBeGreaterThan(0);
    expect(body.environments[1].backup?.lastSuccessfulAt).toBeDefined();
    await backend.stop();
  });

  it('insecureSkipTLSVerify reads the upstream and warns once at start-up; an upstream without CA config stays verified', async () => {
    const logs: string[] = [];
    const backend = await startGitopsBackend({
      fleet,
      logs,
      cold: true,
      gitops: g => {
        const [main, prod] = g.argocd.instances;
        delete main.caCert;
        delete prod.caCert;
        prod.insecureSkipTLSVerify = true;
        // A re-list every 1.2 s: the warning must not come back with them.
        g.argocd.resyncMinutes = 0.02;
        // Velero: the older name on one cluster, the config's CA on a bare kubeconfig.
        g.velero.clusters[0].kubeconfigPath = bareKubeconfigs[0];
        g.velero.clusters[0].skipTLSVerify = true;
        g.velero.clusters[1].kubeconfigPath = bareKubeconfigs[1];
        g.velero.clusters[1].caFile = fleet.tls!.caFile;
        return g;
      },
    });
    const body = await overviewWhen(
      backend,
      b =>
        b.sources.length === 6 &&
        b.sources.every(s =>
          s.name === 'argocd-main'
            ? s.status === 'error' && s.error !== NOT_READ
            : s.status === 'ok',
        ),
      'argocd-prod and Velero to be read, argocd-main to fail',
    );
    expect(source(body, 'deployment', 'argocd-main')?.error).toBe(
      'self-signed certificate in certificate chain for argocd-main: set gitops.argocd.instances[0].caCert (or caFile)',
    );
    expect(body.environments.map(e => e.name)).toEqual(['prod']);
    expect(body.environments[0].backup?.lastSuccessfulAt).toBeDefined();
    // Several re-lists later, still one warning per upstream that skips verification.
    const counts = () =>
      fleet.control.counts().argo['argocd-prod']?.[
        'GET /api/v1/applications'
      ] ?? 0;
    const before = counts();
    await waitFor(() => counts() >= before + 2, 20_000, 'two re-lists');
    const warnings = logs.filter(l => l.includes('TLS verification is OFF'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(
      'TLS verification is OFF for Argo CD instance argocd-prod (gitops.argocd.instances[1].insecureSkipTLSVerify)',
    );
    expect(warnings[1]).toContain(
      'TLS verification is OFF for Velero cluster cluster-main (gitops.velero.clusters[0].skipTLSVerify)',
    );
    expect(warnings.every(w => w.startsWith('warn '))).toBe(true);
    // Never process-wide: the process's own fetch still refuses the fleet's certificate.
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    await expect(
      fetch(`${fleet.argo[1].url}/api/version`),
    ).rejects.toMatchObject({ cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    await backend.stop();
  });
});
