import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type {
  DoraFigures,
  EntityHistory,
} from '@internal/backstage-plugin-gitops-common';
import {
  commitToFleet,
  replaceInFile,
  type Fleet,
} from '@internal/fleet-simulator';
import knexFactory, { type Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  component,
  fleetFetch,
  OWNER,
  startGitopsBackend,
  startTestFleet,
  useFleetBackend,
  waitFor,
  type GitopsTestBackend,
} from '../__testUtils__/fleetBackend';

jest.setTimeout(120_000);

const ENTITY = '/api/gitops/entities/component/default';

/** The application as Argo CD itself answers it (its own history, at most 10 entries). */
async function argoApp(fleet: Fleet, instance: string, app: string) {
  const argo = fleet.argo.find(a => a.name === instance)!;
  const res = await fleetFetch(fleet)(
    `${argo.url}/api/v1/applications/${app}`,
    { headers: { authorization: `Bearer ${argo.token}` } },
  );
  return (await res.json()) as {
    spec: { revisionHistoryLimit?: number };
    status: { history: Array<{ id: number; revision: string }> };
  };
}

const argoHistory = async (fleet: Fleet, instance: string, app: string) =>
  (await argoApp(fleet, instance, app)).status.history;

/** A new payments-api version in git for dev (which Argo CD syncs by itself). */
const pushDevVersion = (fleet: Fleet, version: string) =>
  commitToFleet(fleet, `payments-api ${version} to dev`, dir =>
    replaceInFile(
      path.join(dir, 'apps/payments-api/overlays/dev/kustomization.yaml'),
      /newTag: .*/,
      `newTag: ${version}`,
    ),
  );

const syncProd = (backend: GitopsTestBackend) =>
  request(backend.server)
    .post(
      `${ENTITY}/payments-api/applications/argocd-prod/payments-api-prod/sync`,
    )
    .set('authorization', mockCredentials.user.header(OWNER))
    .send({});

describe('the deployment record on the simulated fleet', () => {
  const env = useFleetBackend();
  const get = (p: string) => request(env.backend.server).get(p);
  const history = async () =>
    (await get(`${ENTITY}/payments-api/history`)).body as EntityHistory;

  it('keeps more deployments than Argo CD: 12 syncs of dev, all in the history tab while Argo CD has 10', async () => {
    // Opening the tab makes the store hold the applications' histories (and the record see them).
    await history();
    // The seeded Applications keep 100 entries (the simulator's backfill): back to Argo CD's 10.
    await commitToFleet(env.fleet, 'payments-api-dev: Argo CD keeps 10', dir =>
      replaceInFile(
        path.join(dir, 'argocd/apps/payments-api-dev.yaml'),
        /revisionHistoryLimit: \d+/,
        'revisionHistoryLimit: 10',
      ),
    );
    await env.fleet.control.pollGit();
    await env.fleet.clock.advance(10_000);
    await waitFor(
      async () =>
        (
          await argoApp(env.fleet, 'argocd-main', 'payments-api-dev')
        ).spec.revisionHistoryLimit === 10,
      20_000,
      'the history limit of 10',
    );
    const pushed: string[] = [];
    for (let i = 0; i < 12; i++) {
      const sha = await pushDevVersion(env.fleet, `1.5.${i}`);
      pushed.push(sha);
      await env.fleet.control.pollGit();
      // Auto-sync start, the sync's run, then Healthy.
      await env.fleet.clock.advance(10_000);
      await waitFor(
        async () =>
          (
            await history()
          ).entries.some(
            e => e.application === 'payments-api-dev' && e.revision === sha,
          ),
        20_000,
        `the sync of ${sha} in the history`,
      );
    }

    const argo = await argoHistory(
      env.fleet,
      'argocd-main',
      'payments-api-dev',
    );
    expect(argo).toHaveLength(10);
    expect(
      pushed.filter(sha => argo.some(h => h.revision === sha)),
    ).toHaveLength(10);

    const dev = (await history()).entries.filter(
      e => e.application === 'payments-api-dev',
    );
    expect(pushed.every(sha => dev.some(e => e.revision === sha))).toBe(true);
    expect(dev.length).toBeGreaterThan(12);
    // Newest first, each once, with the commit's author and message from git.
    const times = dev.map(e => Date.parse(e.deployedAt!));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(dev.map(e => `${e.id}@${e.deployedAt}`)).size).toBe(
      dev.length,
    );
    // What Argo CD still holds can be rolled back to; what only the record holds can't.
    for (const e of dev) {
      expect(e.rollbackable).toBe(
        argo.some(h => h.id === e.id && h.revision === e.revision),
      );
    }
    expect(dev.filter(e => e.rollbackable)).toHaveLength(10);
    const oldest = dev.find(e => e.revision === pushed[0])!;
    expect(oldest).toMatchObject({
      environment: 'dev',
      images: ['registry.example.com/payments-api:1.5.0'],
      message: 'payments-api 1.5.0 to dev',
    });
  });

  it('answers DORA figures for payments-api from its prod deployments, a sync of prod included', async () => {
    const before = (await get(`${ENTITY}/payments-api/dora`))
      .body as DoraFigures;
    expect(before).toMatchObject({
      entityRef: 'component:default/payments-api',
      days: 30,
      services: 1,
      productionEnvironments: ['prod', 'production'],
    });
    expect(before.deploymentFrequency.deployments).toBeGreaterThan(0);
    expect(before.deploymentFrequency.series).toHaveLength(5);

    // git says 1.3.1 for prod (a manual sync): sync it.
    expect((await syncProd(env.backend)).status).toBe(200);
    await env.fleet.clock.advance(10_000);
    await waitFor(
      async () =>
        ((await get(`${ENTITY}/payments-api/dora`)).body as DoraFigures)
          .deploymentFrequency.deployments ===
        before.deploymentFrequency.deployments + 1,
      20_000,
      'the sync of prod in the figures',
    );
    const after = (await get(`${ENTITY}/payments-api/dora?days=90`))
      .body as DoraFigures;
    expect(after.days).toBe(90);
    expect(after.deploymentFrequency.series).toHaveLength(13);
    // Lead time from the commit's time in git (revision metadata), never negative.
    expect(after.leadTime.samples).toBeGreaterThan(0);
    expect(after.leadTime.medianSeconds).toBeGreaterThan(0);
    expect(after.definitions.leadTime).toContain('commit');
  });

  it('refuses a bad window and a kind without figures, naming them', async () => {
    const days = await get(`${ENTITY}/payments-api/dora?days=7`);
    expect(days.status).toBe(400);
    expect(days.body.error.message).toContain('query.days');
    const kind = await get('/api/gitops/entities/api/default/payments/dora');
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toContain('api');
  });

  it("sums a group's services: the figures of team-payments are those of its two services", async () => {
    const team = 'group:default/team-payments';
    const owned = (name: string) => {
      const entity = component(name);
      return {
        ...entity,
        spec: { ...entity.spec, owner: team },
        relations: [{ type: 'ownedBy', targetRef: team }],
      };
    };
    const teamBackend = await startGitopsBackend({
      fleet: env.fleet,
      entities: [
        owned('payments-api'),
        owned('chores-api'),
        component('schedule-bot'),
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'team-payments', namespace: 'default' },
          spec: { type: 'team', children: [] },
        },
      ],
    });
    try {
      const dora = async (url: string) =>
        (await request(teamBackend.server).get(url)).body as DoraFigures;
      const sum = async () =>
        (await dora(`${ENTITY}/payments-api/dora`)).deploymentFrequency
          .deployments +
        (await dora(`${ENTITY}/chores-api/dora`)).deploymentFrequency
          .deployments;
      const group = () =>
        dora('/api/gitops/entities/group/default/team-payments/dora');
      await waitFor(
        async () =>
          (await sum()) > 0 &&
          (await group()).deploymentFrequency.deployments === (await sum()),
        20_000,
        "the group's figures",
      );
      expect(await group()).toMatchObject({
        entityRef: team,
        services: 2,
      });
    } finally {
      await teamBackend.stop();
    }
  });

  it('answers 404 for an entity the reader may not see', async () => {
    const hiding = await startGitopsBackend({
      fleet: env.fleet,
      hiddenEntities: ['chores-api'],
    });
    try {
      const res = await request(hiding.server).get(`${ENTITY}/chores-api/dora`);
      expect(res.status).toBe(404);
      expect(
        (await request(hiding.server).get(`${ENTITY}/payments-api/dora`))
          .status,
      ).toBe(200);
    } finally {
      await hiding.stop();
    }
  });
});

describe('the deployment record with two backend replicas on one database', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let dir: string;
  const replicas: GitopsTestBackend[] = [];
  const clients: Knex[] = [];
  const logs: string[] = [];

  const sqlite = () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'backstage.sqlite') },
      useNullAsDefault: true,
    });
    clients.push(knex);
    return knex;
  };

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-record-replicas-'));
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startGitopsBackend({
          fleet,
          logs,
          extraFeatures: [mockServices.database.factory({ knex: sqlite() })],
        }),
      );
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    for (const c of clients) await c.destroy();
    await cleanup?.();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes each deployment once, whichever replica sees it first', async () => {
    const reader = sqlite();
    const prodRows = async () =>
      (await reader('gitops_deployments')
        .where({ app_key: 'argocd-prod/argocd/payments-api-prod' })
        .select('history_id', 'finished_at', 'result')) as Array<{
        history_id: number;
        finished_at: string;
      }>;
    for (const r of replicas) {
      await request(r.server).get(`${ENTITY}/payments-api/history`);
    }
    const seeded = await argoHistory(fleet, 'argocd-prod', 'payments-api-prod');
    await waitFor(async () => (await prodRows()).length === seeded.length);

    expect((await syncProd(replicas[0])).status).toBe(200);
    await fleet.clock.advance(10_000);
    await waitFor(
      async () => (await prodRows()).length === seeded.length + 1,
      20_000,
      'the sync of prod in the record',
    );
    // Both replicas have seen it in their stores: still one row each.
    for (const r of replicas) {
      await waitFor(async () =>
        (
          (
            await request(r.server).get(`${ENTITY}/payments-api/history`)
          ).body as EntityHistory
        ).entries.some(
          e => e.application === 'payments-api-prod' && e.id === seeded.length,
        ),
      );
    }
    const rows = await prodRows();
    expect(rows).toHaveLength(seeded.length + 1);
    expect(new Set(rows.map(r => r.history_id)).size).toBe(rows.length);
    expect(logs.filter(l => l.includes('recording'))).toEqual([]);
  });
});
