import { mockServices } from '@backstage/backend-test-utils';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import knexFactory, { type Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PromotionRecord } from '../promotion';
import { appKey, type AppChange } from '../store/AppStore';
import { DeploymentRecorder } from './DeploymentRecorder';
import { DeploymentRecordStore } from './DeploymentRecordStore';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const image = (tag: string) => `registry.example.com/payments-api:${tag}`;

/** payments-api-prod with `count` deployments in its history (ids from `firstId`). */
function prodApp(
  count: number,
  options: {
    firstId?: number;
    day?: number;
    over?: Partial<DeploymentApp>;
  } = {},
): DeploymentApp {
  const day = options.day ?? 1;
  const history = Array.from({ length: count }, (_, i) => ({
    id: (options.firstId ?? 0) + i,
    revision: `rev-${day}-${i}`,
    deployedAt: `2026-11-${String(day).padStart(2, '0')}T${String(i).padStart(
      2,
      '0',
    )}:00:00Z`,
    initiatedBy: 'admin',
  }));
  return {
    instance: 'argocd-prod',
    name: 'payments-api-prod',
    labels: { app: 'payments-api' },
    autoSync: false,
    sync: 'Synced',
    health: 'Healthy',
    images: [image(`1.${count}.0`)],
    history,
    resourceVersion: String(100 + count),
    ...options.over,
  };
}

const changed = (after: DeploymentApp, before?: DeploymentApp): AppChange => ({
  kind: 'changed',
  key: appKey(after),
  before,
  after,
});

describe('DeploymentRecorder', () => {
  let dir: string;
  const clients: Knex[] = [];

  const client = () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'record.sqlite') },
      useNullAsDefault: true,
    });
    clients.push(knex);
    return knex;
  };

  const recorderOn = async (
    knex: Knex,
    options: {
      shows?: (key: string) => boolean;
      promotions?: PromotionRecord[];
    } = {},
  ) => {
    const record = await DeploymentRecordStore.fromKnex(knex, () => NOW);
    const recorder = new DeploymentRecorder({
      record,
      environmentOf: app => (app.name.endsWith('-prod') ? 'prod' : 'dev'),
      isProduction: env => env === 'prod',
      shows: options.shows ?? (() => true),
      promotionsOf: options.promotions
        ? async () => options.promotions!
        : undefined,
      now: () => NOW,
      logger: mockServices.logger.mock(),
    });
    return { record, recorder };
  };

  const count = async (knex: Knex, table: string) =>
    Number(
      ((await knex(table).count({ n: '*' })) as Array<{ n: number }>)[0].n,
    );

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-record-'));
  });
  afterEach(async () => {
    for (const knex of clients.splice(0)) await knex.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes each deployment of the history once, and nothing on a replay of the same events', async () => {
    const knex = client();
    const { recorder, record } = await recorderOn(knex);
    const events = [changed(prodApp(3)), changed(prodApp(4), prodApp(3))];
    for (const e of events) recorder.onAppChange(e);
    await recorder.settled();
    expect(await count(knex, 'gitops_deployments')).toBe(4);

    // The stream again (a reconnect replays from the list's resourceVersion), and a resync.
    const inserted = jest.spyOn(record, 'insertDeployments');
    for (const e of events) recorder.onAppChange(e);
    recorder.observe(prodApp(4));
    await recorder.settled();
    expect(await count(knex, 'gitops_deployments')).toBe(4);
    expect(inserted).not.toHaveBeenCalled();

    const rows = await record.deployments([appKey(prodApp(1))]);
    expect(rows.map(r => r.historyId)).toEqual([3, 2, 1, 0]);
    expect(rows[0]).toMatchObject({
      environment: 'prod',
      revision: 'rev-1-3',
      result: 'Succeeded',
      images: [image('1.4.0')],
      initiatedBy: 'admin',
      finishedAt: '2026-11-01T03:00:00.000Z',
    });
  });

  it('writes each deployment once with two replicas on one database', async () => {
    const a = await recorderOn(client());
    const b = await recorderOn(client());
    for (const r of [a, b]) r.recorder.onAppChange(changed(prodApp(5)));
    await Promise.all([a.recorder.settled(), b.recorder.settled()]);
    expect(await count(clients[0], 'gitops_deployments')).toBe(5);
    // What one replica wrote, the other finds, without enriching or writing it again.
    const c = await recorderOn(client());
    const inserted = jest.spyOn(c.record, 'insertDeployments');
    c.recorder.onAppChange(changed(prodApp(5)));
    await c.recorder.settled();
    expect(inserted).not.toHaveBeenCalled();
  });

  it('keeps the deployments of an application deleted and created again, whose ids restart at 0', async () => {
    const knex = client();
    const { recorder, record } = await recorderOn(knex);
    recorder.onAppChange(changed(prodApp(3, { day: 1 })));
    recorder.onAppChange(changed(prodApp(2, { day: 5 })));
    await recorder.settled();
    const rows = await record.deployments([appKey(prodApp(1))]);
    expect(
      rows.map(r => `${r.historyId}@${r.finishedAt.slice(5, 13)}`),
    ).toEqual([
      '1@11-05T01',
      '0@11-05T00',
      '2@11-01T02',
      '1@11-01T01',
      '0@11-01T00',
    ]);
  });

  it('records a failed sync once however often its retries are seen, with the revision it tried', async () => {
    const knex = client();
    const { recorder, record } = await recorderOn(knex);
    const failing = (retry: number, phase: 'Running' | 'Failed') =>
      prodApp(2, {
        over: {
          resourceVersion: String(200 + retry),
          operation: {
            phase,
            kind: 'sync',
            startedAt: '2026-11-02T10:00:00Z',
            ...(phase === 'Failed'
              ? { finishedAt: '2026-11-02T10:05:00Z' }
              : {}),
            revision: 'rev-next',
            initiatedBy: 'alice',
            retry: { count: retry, limit: 3 },
          },
        },
      });
    for (const e of [
      failing(1, 'Running'),
      failing(3, 'Failed'),
      failing(3, 'Failed'),
    ]) {
      recorder.onAppChange(changed(e));
    }
    await recorder.settled();
    const failed = await record.deployments([appKey(prodApp(1))], {
      results: ['Failed', 'Error'],
    });
    expect(failed).toEqual([
      expect.objectContaining({
        result: 'Failed',
        revision: 'rev-next',
        startedAt: '2026-11-02T10:00:00.000Z',
        finishedAt: '2026-11-02T10:05:00.000Z',
        initiatedBy: 'alice',
      }),
    ]);
    expect(failed[0].historyId).toBeUndefined();
  });

  it('records health changes of production applications only, and only of applications a page shows', async () => {
    const knex = client();
    const { recorder, record } = await recorderOn(knex, {
      shows: key => !key.includes('chores'),
    });
    const prod = (health: DeploymentApp['health'], rv: string) =>
      prodApp(1, { over: { health, resourceVersion: rv } });
    recorder.onAppChange(changed(prod('Healthy', '1')));
    recorder.onAppChange(changed(prod('Degraded', '2')));
    recorder.onAppChange(changed(prod('Degraded', '3')));
    recorder.onAppChange(changed(prod('Healthy', '4')));
    const dev = prodApp(1, {
      over: { name: 'payments-api-dev', health: 'Degraded' },
    });
    recorder.onAppChange(changed(dev));
    recorder.onAppChange(
      changed(
        prodApp(1, { over: { name: 'chores-api-prod', health: 'Degraded' } }),
      ),
    );
    await recorder.settled();
    const health = await record.health(
      [appKey(prodApp(1)), appKey(dev), 'argocd-prod//chores-api-prod'],
      '2000-01-01T00:00:00Z',
    );
    expect(health.map(h => `${h.previous ?? '-'}>${h.health}`)).toEqual([
      '->Healthy',
      'Healthy>Degraded',
      'Degraded>Healthy',
    ]);
    expect(await count(knex, 'gitops_deployments')).toBe(2);
  });

  it('links a deployment to the promotion that caused it: by commit, else by version while it was landing', async () => {
    const promotion = (over: Partial<PromotionRecord>): PromotionRecord => ({
      id: 'p-other',
      kind: 'promotion',
      entityRef: 'component:default/payments-api',
      fromEnv: 'staging',
      toEnv: 'prod',
      version: '9.9.9',
      requester: 'user:default/alice',
      state: 'synced',
      mode: 'pull-request',
      gateResults: [],
      files: [],
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-10-01T01:00:00.000Z',
      ...over,
    });
    const knex = client();
    const { recorder, record } = await recorderOn(knex, {
      promotions: [
        promotion({ id: 'p-commit', commitSha: 'rev-1-0', version: '1.0.0' }),
        // A later commit moved the branch before Argo CD synced: found by its version.
        promotion({
          id: 'p-version',
          version: '1.2.0',
          commitSha: 'a-commit-argo-never-synced',
          createdAt: '2026-11-01T00:30:00.000Z',
          updatedAt: '2026-11-01T02:00:00.000Z',
        }),
        promotion({ id: 'p-staging', toEnv: 'staging', commitSha: 'rev-1-1' }),
      ],
    });
    const app = prodApp(2);
    app.history![1].images = [image('1.2.0')];
    recorder.onAppChange(changed(app));
    await recorder.settled();
    const rows = await record.deployments([appKey(app)]);
    expect(rows.map(r => [r.historyId, r.promotionId])).toEqual([
      [1, 'p-version'],
      [0, 'p-commit'],
    ]);
  });
});
