import path from 'node:path';
import type { EntityDiffs } from '@internal/backstage-plugin-gitops-common';
import {
  commitToFleet,
  replaceInFile,
  type Fleet,
} from '@internal/fleet-simulator';
import request from 'supertest';
import {
  startGitopsBackend,
  startTestFleet,
  waitFor,
  type GitopsTestBackend,
} from '../../__testUtils__/fleetBackend';

jest.setTimeout(60_000);

const DIFF = '/api/gitops/entities/component/default/payments-api/diff';

describe('GET …/diff against the simulated Argo CD', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    backend = await startGitopsBackend({ fleet });
  });
  afterAll(async () => {
    await backend.stop();
    await cleanup();
  });

  const get = (p: string) => request(backend.server).get(p);

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

    await commitToFleet(fleet, 'payments-api 1.4.0 to prod', dir =>
      replaceInFile(
        path.join(dir, 'apps/payments-api/overlays/prod/kustomization.yaml'),
        /newTag: .*/,
        'newTag: 1.4.0',
      ),
    );
    await fleet.control.pollGit();
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
});
