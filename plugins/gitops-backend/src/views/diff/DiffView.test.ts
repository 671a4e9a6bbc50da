import fs from 'node:fs/promises';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { EntityDiffs } from '@internal/backstage-plugin-gitops-common';
import { commitToFleet, replaceInFile } from '@internal/fleet-simulator';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import {
  OWNER,
  useFleetBackend,
  waitFor,
} from '../../__testUtils__/fleetBackend';

jest.setTimeout(60_000);

const DIFF = '/api/gitops/entities/component/default/payments-api/diff';

describe('GET …/diff against the simulated Argo CD', () => {
  const env = useFleetBackend();

  const get = (p: string) => request(env.backend.server).get(p);

  const prodDiff = async () =>
    (await get(`${DIFF}?application=argocd-prod/payments-api-prod`))
      .body as EntityDiffs;

  it('shows what a sync of prod would change, and follows git when it moves', async () => {
    // The seed's prod runs 1.3.0 while git already says 1.3.1 (prod syncs by hand).
    const [prod] = (await prodDiff()).applications;
    expect(prod).toMatchObject({
      instance: 'argocd-prod',
      name: 'payments-api-prod',
      environment: 'prod',
      sync: 'OutOfSync',
    });
    expect(prod.resources).toEqual([
      expect.objectContaining({
        group: 'apps',
        kind: 'Deployment',
        name: 'payments-api',
        action: 'update',
        summary: ['image 1.3.0 → 1.3.1'],
      }),
    ]);
    expect(prod.resources[0].diff).toMatch(/^-.*payments-api:1\.3\.0$/m);
    expect(prod.resources[0].diff).toMatch(/^\+.*payments-api:1\.3\.1$/m);
    expect(prod.resources[0].diff).not.toMatch(/^[-+]\s*name:/m);

    await commitToFleet(env.fleet, 'payments-api 1.4.0 to prod', dir =>
      replaceInFile(
        path.join(dir, 'apps/payments-api/overlays/prod/kustomization.yaml'),
        /newTag: .*/,
        'newTag: 1.4.0',
      ),
    );
    await env.fleet.control.pollGit();
    // Argo CD's refresh moves the application's version, so the kept diff is not served again.
    await waitFor(async () =>
      (
        (await prodDiff()).applications[0]?.resources[0]?.summary ?? []
      ).includes('image 1.3.0 → 1.4.0'),
    );
  });

  it('answers every application without a filter, and 400 naming a bad one', async () => {
    const all = (await get(DIFF)).body as EntityDiffs;
    expect(all.applications.map(a => a.environment).sort()).toEqual([
      'dev',
      'prod',
      'staging',
    ]);
    const bad = await get(`${DIFF}?application=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query.application');
  });

  it('answers 404 for an unknown entity', async () => {
    expect(
      (await get('/api/gitops/entities/component/default/nope/diff')).status,
    ).toBe(404);
  });

  const prodResource = async (kind: string, name: string) =>
    (await prodDiff()).applications[0]?.resources.find(
      r => r.kind === kind && r.name === name,
    );

  it('shows a drift of the live state, but none on the fields ignoreDifferences names (pointer, jq path)', async () => {
    await commitToFleet(
      env.fleet,
      'payments-api prod: HPA owns replicas',
      async dir => {
        const file = path.join(dir, 'argocd/apps/payments-api-prod.yaml');
        const app = parse(await fs.readFile(file, 'utf8'));
        app.spec.ignoreDifferences = [
          {
            group: 'apps',
            kind: 'Deployment',
            jsonPointers: ['/spec/replicas'],
            jqPathExpressions: ['.spec.template.metadata.annotations'],
          },
        ];
        await fs.writeFile(file, stringify(app));
      },
    );
    await env.fleet.control.pollGit();
    // `kubectl scale` and `kubectl rollout restart` on the ignored fields, and an edit of a value
    // git holds (a label git doesn't hold would not count: Argo's diff is three-way).
    env.fleet.control.patchLive('argocd-prod', 'payments-api-prod', {
      group: 'apps',
      kind: 'Deployment',
      name: 'payments-api',
      patch: {
        spec: {
          replicas: 7,
          template: {
            metadata: {
              annotations: {
                'kubectl.kubernetes.io/restartedAt': '2026-12-05T10:00:00Z',
              },
            },
          },
        },
      },
    });
    env.fleet.control.patchLive('argocd-prod', 'payments-api-prod', {
      kind: 'ConfigMap',
      name: 'payments-api-config',
      patch: { data: { ENVIRONMENT: 'staging' } },
    });
    await waitFor(async () =>
      Boolean(await prodResource('ConfigMap', 'payments-api-config')),
    );
    const config = await prodResource('ConfigMap', 'payments-api-config');
    expect(config).toMatchObject({
      action: 'update',
      summary: ['data.ENVIRONMENT staging → prod'],
    });
    expect(config?.diff).toMatch(/^-\s+ENVIRONMENT: staging$/m);
    const deployment = await prodResource('Deployment', 'payments-api');
    expect(deployment?.summary).toEqual([
      expect.stringMatching(/^image 1\.3\.0 → /),
    ]);
    expect(deployment?.diff).not.toMatch(/replicas|restartedAt/);

    // Kept while the application does not change: reopening asks Argo CD nothing; the next
    // drift's stream event makes the next read ask again.
    const managedCalls = () =>
      Object.values(env.fleet.control.counts().argo)
        .flatMap(c => Object.entries(c))
        .filter(([route]) => route.includes('/managed-resources'))
        .reduce((sum, [, n]) => sum + Number(n), 0);
    env.fleet.control.resetCounts();
    await prodDiff();
    await prodDiff();
    expect(managedCalls()).toBe(0);
    env.fleet.control.patchLive('argocd-prod', 'payments-api-prod', {
      kind: 'ConfigMap',
      name: 'payments-api-config',
      patch: { data: { ENVIRONMENT: 'qa' } },
    });
    await waitFor(async () =>
      Boolean(
        (
          await prodResource('ConfigMap', 'payments-api-config')
        )?.summary.includes('data.ENVIRONMENT qa → prod'),
      ),
    );
    expect(managedCalls()).toBeGreaterThanOrEqual(1);
  });

  it('lists a live resource git does not hold as a prune, which a sync with prune deletes', async () => {
    env.fleet.control.addLive('argocd-prod', 'payments-api-prod', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'payments-api-leftover' },
      data: { MODE: 'legacy' },
    });
    await waitFor(
      async () =>
        (await prodResource('ConfigMap', 'payments-api-leftover'))?.action ===
        'prune',
    );
    const res = await request(env.backend.server)
      .post(
        '/api/gitops/entities/component/default/payments-api/applications/argocd-prod/payments-api-prod/sync',
      )
      .set('authorization', mockCredentials.user.header(OWNER))
      .send({ prune: true });
    expect(res.status).toBe(200);
    await env.fleet.clock.advance(20_000);
    await waitFor(
      async () =>
        !(await prodResource('ConfigMap', 'payments-api-leftover')) &&
        !(await prodResource('Deployment', 'payments-api')),
    );
    const app = env.fleet.internals.instances[1].apps.get('payments-api-prod')!;
    expect(JSON.stringify(app.live)).not.toContain('payments-api-leftover');
  });
});
