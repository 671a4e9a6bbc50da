import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import {
  OWNER,
  overviewPath,
  startGitopsBackend,
  startTestFleet,
  useFleetBackend,
  waitFor,
  type GitopsTestBackend,
} from './__testUtils__/fleetBackend';

jest.setTimeout(60_000);

const REF = 'component:default/payments-api';
const DEGRADED = `gitops:degraded:${REF}:argocd-prod/payments-api-prod`;

/** `kubectl set image` of payments-api-prod to an image that cannot be pulled. */
function breakProd(fleet: Fleet) {
  fleet.control.setLiveImage(
    'argocd-prod',
    'payments-api-prod',
    'payments-api',
    'registry.example.com/payments-api:1.3.0-bad',
  );
}

/**
 * Notifications on the simulated fleet, end to end through the plugin: the cluster breaks
 * behind Argo CD's back, the store hears it from the stream, the owners are told after the
 * grace period, and told again when a sync fixes it.
 */
describe('notifications from the fleet', () => {
  const env = useFleetBackend();

  const prodHealth = async () => {
    const res = await request(env.backend.server)
      .get(overviewPath('payments-api'))
      .set('authorization', mockCredentials.user.header(OWNER));
    const overview = res.body as EntityOverview;
    return overview.environments
      .find(e => e.name === 'prod')
      ?.applications.find(a => a.name === 'payments-api-prod')?.health;
  };
  const sentFor = (scope: string) =>
    env.backend.notifications.filter(n => n.payload.scope === scope);
  const due = () =>
    env.backend.scheduler.triggerTask('gitops-notifications-due');

  it('tells the owners of a Degraded prod after 5 minutes, once, and when a sync fixes it', async () => {
    breakProd(env.fleet);
    await waitFor(async () => (await prodHealth()) === 'Degraded');
    await due();
    expect(sentFor(DEGRADED)).toEqual([]);

    await env.fleet.clock.advance(5 * 60_000);
    await due();
    await due();
    expect(sentFor(DEGRADED)).toEqual([
      {
        recipients: { type: 'entity', entityRef: REF },
        payload: {
          title: 'payments-api: payments-api-prod is Degraded in prod',
          description:
            'Deployment "payments-api" exceeded its progress deadline',
          link: '/catalog/default/component/payments-api/gitops',
          severity: 'high',
          topic: 'degraded',
          scope: DEGRADED,
        },
      },
    ]);

    const sync = await request(env.backend.server)
      .post(
        '/api/gitops/entities/component/default/payments-api/applications/argocd-prod/payments-api-prod/sync',
      )
      .set('authorization', mockCredentials.user.header(OWNER))
      .send({});
    expect(sync.status).toBe(200);
    await env.fleet.clock.advance(10_000);
    await waitFor(async () => sentFor(DEGRADED).length === 2);
    expect(sentFor(DEGRADED)[1].payload).toMatchObject({
      title: 'payments-api: payments-api-prod recovered in prod',
      severity: 'low',
      metadata: { resolved: true },
    });
    await env.fleet.clock.advance(60_000);
    await waitFor(async () => (await prodHealth()) === 'Healthy');
    expect(sentFor(DEGRADED)).toHaveLength(2);
  });

  it('puts no upstream token or password in any notification', () => {
    const secrets = (
      env.fleet.appConfig() as any
    ).gitops.argocd.instances.flatMap(
      (i: { token?: string; password?: string }) =>
        [i.token, i.password].filter(Boolean),
    );
    expect(secrets.length).toBeGreaterThan(0);
    expect(env.backend.notifications.length).toBeGreaterThan(0);
    const all = JSON.stringify(env.backend.notifications);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});

describe('notifications from two backend replicas on one database', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let dir: string;
  const replicas: GitopsTestBackend[] = [];
  const clients: Knex[] = [];

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-replicas-'));
    for (let i = 0; i < 2; i++) {
      // A client (own connection) each, on one database file.
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'backstage.sqlite') },
        useNullAsDefault: true,
      });
      clients.push(knex);
      replicas.push(
        await startGitopsBackend({
          fleet,
          extraFeatures: [mockServices.database.factory({ knex })],
        }),
      );
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    for (const c of clients) await c.destroy();
    await cleanup();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('both see prod Degraded; its owners are told once, and its recovery once', async () => {
    breakProd(fleet);
    const seen = async (r: GitopsTestBackend) => {
      const res = await request(r.server)
        .get(overviewPath('payments-api'))
        .set('authorization', mockCredentials.user.header(OWNER));
      return (
        (res.body as EntityOverview).environments
          .find(e => e.name === 'prod')
          ?.applications.some(a => a.health === 'Degraded') ?? false
      );
    };
    await waitFor(async () => (await seen(replicas[0])) && seen(replicas[1]));
    await fleet.clock.advance(5 * 60_000);
    const due = () =>
      Promise.all(
        replicas.map(r => r.scheduler.triggerTask('gitops-notifications-due')),
      );
    await due();
    await due();
    const sent = () =>
      replicas.flatMap(r =>
        r.notifications.filter(n => n.payload.scope === DEGRADED),
      );
    expect(sent()).toHaveLength(1);

    const repair = await request(replicas[1].server)
      .post(
        '/api/gitops/entities/component/default/payments-api/applications/argocd-prod/payments-api-prod/sync',
      )
      .set('authorization', mockCredentials.user.header(OWNER))
      .send({});
    expect(repair.status).toBe(200);
    await fleet.clock.advance(10_000);
    await waitFor(async () => sent().length === 2);
    await due();
    expect(sent().map(n => n.payload.metadata?.resolved)).toEqual([
      undefined,
      true,
    ]);
  });
});
