/*
 * The deployment record on PostgreSQL as two backend replicas use it: one database, a knex
 * client (own pool) each. Runs where promotion.postgres.test.ts runs (scripts/test.sh starts
 * the server and requires it: GITOPS_REQUIRE_POSTGRES=1, which that file checks).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import { DeploymentRecordStore } from './DeploymentRecordStore';
import type { DeploymentRow, HealthRow } from './recordRows';

jest.setTimeout(60_000);

const PG_ID = 'POSTGRES_16';
const configured = Boolean(
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING,
);
const clients: Knex[] = [];
afterAll(() => Promise.all(clients.map(c => c.destroy())));
const databases = TestDatabases.create({ ids: [PG_ID], disableDocker: true });

const describeOnPostgres = configured ? describe : describe.skip;
const now = () => new Date('2026-12-06T08:00:00Z');

/** 600 deployments of payments-api-prod, one an hour: more than one `where in` chunk. */
const rows: DeploymentRow[] = Array.from({ length: 600 }, (_, i) => ({
  key: `history-${i}`,
  appKey: 'argocd-prod//payments-api-prod',
  instance: 'argocd-prod',
  appNamespace: '',
  application: 'payments-api-prod',
  environment: 'prod',
  revision: `rev-${i}`,
  images: [`registry.example.com/payments-api:1.${i}.0`],
  finishedAt: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
  result: 'Succeeded',
  historyId: i,
}));
const health: HealthRow[] = [
  {
    key: 'health-1',
    appKey: 'argocd-prod//payments-api-prod',
    environment: 'prod',
    health: 'Degraded',
    previous: 'Healthy',
    at: '2026-11-20T10:00:00.000Z',
  },
  {
    key: 'health-2',
    appKey: 'argocd-prod//payments-api-prod',
    environment: 'prod',
    health: 'Healthy',
    previous: 'Degraded',
    at: '2026-11-20T11:00:00.000Z',
  },
];

describeOnPostgres('the deployment record on PostgreSQL, two replicas', () => {
  it('migrates at once, and stores each deployment and health change once whoever writes it', async () => {
    const first = await databases.init(PG_ID);
    const second = knexFactory({
      client: 'pg',
      connection: { ...(first.client.config.connection as object) },
      pool: { min: 0, max: 5 },
    });
    clients.push(second);
    const [a, b] = await Promise.all([
      DeploymentRecordStore.fromKnex(first, now),
      DeploymentRecordStore.fromKnex(second, now),
    ]);

    // Both replicas see the same stream: overlapping writes at the same time, then a replay.
    await Promise.all([
      a.insertDeployments(rows.slice(0, 400)),
      b.insertDeployments(rows.slice(200)),
      a.insertHealth(health),
      b.insertHealth(health),
    ]);
    await b.insertDeployments(rows);

    const stored = await first('gitops_deployments').count({ n: '*' });
    expect(Number(stored[0].n)).toBe(600);
    const healthRows = await first('gitops_health_transitions').count({
      n: '*',
    });
    expect(Number(healthRows[0].n)).toBe(2);
    expect((await a.existing(rows.map(r => r.key))).size).toBe(600);

    const newest = await b.deployments([rows[0].appKey], { limit: 3 });
    expect(newest.map(r => r.historyId)).toEqual([599, 598, 597]);
    expect(newest[0].images).toEqual([
      'registry.example.com/payments-api:1.599.0',
    ]);
    expect(
      (await a.health([rows[0].appKey], '2026-11-01T00:00:00Z')).map(
        h => h.health,
      ),
    ).toEqual(['Degraded', 'Healthy']);
  });
});
