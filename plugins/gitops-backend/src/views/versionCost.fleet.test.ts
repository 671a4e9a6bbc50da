import type {
  EntityOverview,
  VersionCost,
} from '@internal/backstage-plugin-gitops-common';
import request from 'supertest';
import {
  SEED_ENTITIES,
  overviewPath,
  untilReady,
  useFleetBackend,
} from '../__testUtils__/fleetBackend';

jest.setTimeout(60_000);

const BASE = '/api/gitops/entities/component/default/payments-api';

describe('GET …/version-cost against the simulated fleet', () => {
  const env = useFleetBackend();
  const get = (path: string) => request(env.backend.server).get(path);

  it('measures the version staging runs from the history and the daily cost', async () => {
    await untilReady(env.backend, SEED_ENTITIES[0]);
    const overview = (await get(overviewPath('payments-api')))
      .body as EntityOverview;
    const staging = overview.environments.find(e => e.name === 'staging')!;
    const version = staging.version.version!;

    const res = await get(
      `${BASE}/version-cost?environment=staging&version=${version}`,
    );
    expect(res.status).toBe(200);
    const cost = res.body as VersionCost;
    expect(cost).toMatchObject({
      entityRef: 'component:default/payments-api',
      environment: 'staging',
      version,
    });
    expect(cost.currency).toBe(overview.environments[0].cost?.currency);
    expect(cost.sources.every(s => s.status === 'ok')).toBe(true);
    // The version started at a deployment the history shows, no later than the last one.
    expect(Date.parse(cost.since!)).toBeLessThanOrEqual(
      Date.parse(staging.version.deployedAt!),
    );
    // Argo CD's history keeps no images, so only the version running now is known on a fresh
    // start: its whole days are measured, the version before it is not yet on record.
    expect(cost).toMatchObject({
      state: 'not-enough-data',
      reason: 'no earlier version is on record here',
    });
    expect(cost.perDay).toBeGreaterThan(0);
    expect(cost.days).toBeGreaterThanOrEqual(1);
  });

  it('a version never deployed there has no data; bad input names the field', async () => {
    const never = (
      await get(`${BASE}/version-cost?environment=staging&version=9.9.9`)
    ).body as VersionCost;
    expect(never).toMatchObject({
      state: 'not-enough-data',
      reason: 'no deployment of 9.9.9 is on record here',
    });

    const missing = await get(`${BASE}/version-cost?version=1.4.0`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('query.environment');
    const extra = await get(
      `${BASE}/version-cost?environment=staging&version=1.4.0&verison=1`,
    );
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('query.verison');
  });
});
