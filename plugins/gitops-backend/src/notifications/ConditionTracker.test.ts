import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OverviewContent } from '../views/overviewBuilder';
import {
  REF,
  app,
  backup,
  capturingNotifications,
  config,
  content,
  okSources,
  sqlite,
} from './__testUtils__/notificationFixtures';
import { ConditionTracker } from './ConditionTracker';
import { NotificationLedger } from './NotificationLedger';

const MIN = 60_000;
const T0 = Date.parse('2026-12-06T08:00:00Z');

const clients: Knex[] = [];
afterAll(() => Promise.all(clients.map(c => c.destroy())));

/** A replica's tracker on `db`, reading `view.current`, at `clock.ms`. */
async function replica(options: {
  db?: Knex;
  view: { current?: OverviewContent };
  clock: { ms: number };
  sent: NotificationSendOptions[];
  settings?: Record<string, unknown>;
  send?: (o: NotificationSendOptions) => Promise<void>;
}) {
  const db = options.db ?? sqlite();
  clients.push(db);
  const tracker = new ConditionTracker({
    config: config(options.settings),
    ledger: await NotificationLedger.fromKnex(db),
    notifications: {
      send: options.send ?? capturingNotifications(options.sent).send,
    },
    contentOf: () => options.view.current,
    now: () => new Date(options.clock.ms),
    logger: mockServices.logger.mock(),
  });
  return tracker;
}

function setup(settings?: Record<string, unknown>) {
  const view: { current?: OverviewContent } = {};
  const clock = { ms: T0 };
  const sent: NotificationSendOptions[] = [];
  return { view, clock, sent, settings };
}

const failedSync = (startedAt: string) =>
  app('payments-api-prod', {
    operation: {
      phase: 'Failed',
      kind: 'sync',
      startedAt,
      message: 'one or more synchronization tasks completed unsuccessfully',
      tasks: [
        {
          kind: 'Job',
          name: 'payments-api-migrate',
          hookType: 'PreSync',
          hookPhase: 'Failed',
          message: 'secret "payments-api-secrets" not found',
        },
      ],
    },
  });

describe('ConditionTracker', () => {
  it('tells a failed sync once, updates it in place for the next failure, resolves it when a sync succeeds', async () => {
    const s = setup();
    const tracker = await replica(s);
    s.view.current = content([failedSync('2026-12-06T07:59:00Z')]);
    await tracker.evaluate([REF]);
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]).toEqual({
      recipients: { type: 'entity', entityRef: REF },
      payload: {
        title: 'payments-api: the sync of payments-api-prod failed in prod',
        description:
          'Failed at PreSync hook Job/payments-api-migrate: secret "payments-api-secrets" not found. one or more synchronization tasks completed unsuccessfully',
        link: '/catalog/default/component/payments-api/gitops',
        severity: 'high',
        topic: 'sync-failed',
        scope: `gitops:sync-failed:${REF}:argocd-prod/payments-api-prod`,
      },
    });

    s.view.current = content([failedSync('2026-12-06T08:05:00Z')]);
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1].payload.scope).toBe(s.sent[0].payload.scope);

    s.view.current = content([
      app('payments-api-prod', {
        operation: { phase: 'Succeeded', kind: 'sync', startedAt: 'x' },
      }),
    ]);
    await tracker.evaluate([REF]);
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(3);
    expect(s.sent[2].payload).toMatchObject({
      title: 'payments-api: payments-api-prod syncs again in prod',
      severity: 'low',
      scope: s.sent[0].payload.scope,
      metadata: { resolved: true },
    });
  });

  it('waits for the Degraded grace period, and tells the recovery', async () => {
    const s = setup();
    const tracker = await replica(s);
    s.view.current = content([
      app('payments-api-prod', {
        health: 'Degraded',
        healthMessage:
          'Deployment "payments-api" exceeded its progress deadline',
      }),
      app('payments-api-staging', {
        environment: 'staging',
        health: 'Degraded',
      }),
    ]);
    await tracker.evaluate([REF]);
    s.clock.ms = T0 + 5 * MIN - 1;
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(0);
    s.clock.ms = T0 + 5 * MIN;
    await tracker.tick();
    expect(s.sent.map(n => [n.payload.title, n.payload.severity])).toEqual([
      ['payments-api: payments-api-prod is Degraded in prod', 'high'],
      ['payments-api: payments-api-staging is Degraded in prod', 'high'],
    ]);

    s.view.current = content([app('payments-api-prod')]);
    await tracker.evaluate([REF]);
    expect(s.sent.slice(2).map(n => n.payload.title)).toEqual([
      'payments-api: payments-api-prod recovered in prod',
      'payments-api: payments-api-staging recovered in prod',
    ]);
  });

  it('a condition that clears within its grace period is never told', async () => {
    const s = setup({ degradedGracePeriod: { minutes: 2 } });
    const tracker = await replica(s);
    s.view.current = content([
      app('payments-api-prod', { health: 'Degraded' }),
    ]);
    await tracker.evaluate([REF]);
    s.clock.ms = T0 + MIN;
    s.view.current = content([app('payments-api-prod')]);
    await tracker.evaluate([REF]);
    s.clock.ms = T0 + 10 * MIN;
    await tracker.evaluate([REF]);
    expect(s.sent).toEqual([]);
  });

  it('prod OutOfSync is told after its grace period only while auto-sync is off', async () => {
    const s = setup({ outOfSyncGracePeriod: 'PT10M' });
    const tracker = await replica(s);
    const env = (name: string, over: object) => ({
      ...content([app(`payments-api-${name}`, over)]).environments[0],
      name,
    });
    s.view.current = {
      ...content([]),
      environments: [
        env('prod', { sync: 'OutOfSync', autoSync: false }),
        env('staging', { sync: 'OutOfSync', autoSync: false }),
        env('production', { sync: 'OutOfSync', autoSync: true }),
      ],
    };
    await tracker.evaluate([REF]);
    s.clock.ms = T0 + 10 * MIN;
    await tracker.evaluate([REF]);
    expect(s.sent.map(n => n.payload.title)).toEqual([
      'payments-api: payments-api-prod is OutOfSync in prod and auto-sync is off',
    ]);
    expect(s.sent[0].payload).toMatchObject({
      topic: 'out-of-sync',
      severity: 'normal',
    });
  });

  it('backups: a failed backup, an RPO over target once it is, a prod namespace no schedule covers', async () => {
    const s = setup();
    const tracker = await replica(s);
    s.view.current = content([app('payments-api-prod')], {
      backup: backup({
        lastPhase: 'PartiallyFailed',
        failures: [
          {
            name: 'daily-20261206',
            phase: 'PartiallyFailed',
            errors: 2,
            warnings: 1,
          },
        ],
        lastSuccessfulAt: new Date(T0 - 23 * 60 * MIN).toISOString(),
        lastSuccessfulName: 'daily-20261205',
        rpoTargetSeconds: 24 * 3600,
        uncoveredNamespaces: ['payments-db'],
      }),
    });
    await tracker.evaluate([REF]);
    expect(s.sent.map(n => [n.payload.topic, n.payload.title])).toEqual([
      [
        'backup-failed',
        'payments-api: the last backup of prod PartiallyFailed',
      ],
      [
        'backup-uncovered',
        "payments-api: no backup schedule covers prod's namespace payments-db",
      ],
    ]);
    expect(s.sent[0].payload.link).toBe(
      '/catalog/default/component/payments-api',
    );
    // An hour later the last good backup is 24 h old: over its RPO with nothing else changing.
    s.clock.ms = T0 + 60 * MIN - 1;
    await tracker.tick();
    expect(s.sent).toHaveLength(2);
    s.clock.ms = T0 + 61 * MIN;
    await tracker.tick();
    expect(s.sent[2].payload).toMatchObject({
      topic: 'backup-rpo',
      title:
        'payments-api: the last good backup of prod is 24 h old (target 24 h)',
      severity: 'high',
    });
  });

  it('holds the conditions of a source that is not ok: an outage neither resolves nor raises', async () => {
    const s = setup({ degradedGracePeriod: { minutes: 0 } });
    const tracker = await replica(s);
    s.view.current = content([
      app('payments-api-prod', { health: 'Degraded' }),
    ]);
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(1);
    // Argo CD unreachable: the overview keeps the last good state, flagged stale.
    s.view.current = content(
      [app('payments-api-prod', { health: 'Unknown' })],
      {
        sources: okSources('error'),
      },
    );
    await tracker.evaluate([REF]);
    s.view.current = content([app('payments-api-prod')], {
      sources: okSources('stale'),
    });
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(1);
    s.view.current = content([app('payments-api-prod')]);
    await tracker.evaluate([REF]);
    expect(s.sent.map(n => n.payload.metadata?.resolved)).toEqual([
      undefined,
      true,
    ]);
  });

  it('no storm: an instance back with 200 changed applications of one entity is one notification', async () => {
    const s = setup({ degradedGracePeriod: { minutes: 0 } });
    const tracker = await replica(s);
    const apps = (over: object) =>
      Array.from({ length: 200 }, (_, i) => app(`payments-api-${i}`, over));
    s.view.current = content(apps({ health: 'Degraded' }));
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0].payload).toMatchObject({
      title: `${REF}: 200 new and 0 cleared GitOps conditions`,
      scope: `gitops:summary:${REF}`,
      severity: 'high',
    });
    expect(s.sent[0].payload.description?.split('\n')).toHaveLength(200);
    s.view.current = content(apps({}));
    await tracker.evaluate([REF]);
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1].payload.title).toBe(
      `${REF}: 0 new and 200 cleared GitOps conditions`,
    );
  });

  it('only the topics configured are sent', async () => {
    const s = setup({ topics: ['sync-failed'], degradedGracePeriod: 'PT0S' });
    const tracker = await replica(s);
    s.view.current = content([
      app('payments-api-prod', { health: 'Degraded' }),
    ]);
    await tracker.evaluate([REF]);
    expect(s.sent).toEqual([]);
  });

  it('two replicas on one database send each condition once, and resolve it once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-ledger-'));
    const file = path.join(dir, 'plugin.sqlite');
    const s = setup({ degradedGracePeriod: { minutes: 0 } });
    const a = await replica({ ...s, db: sqlite(file) });
    const b = await replica({ ...s, db: sqlite(file) });
    s.view.current = content([
      app('payments-api-prod', { health: 'Degraded' }),
    ]);
    await Promise.all([a.evaluate([REF]), b.evaluate([REF])]);
    await Promise.all([a.evaluate([REF]), b.evaluate([REF])]);
    expect(s.sent).toHaveLength(1);
    s.view.current = content([app('payments-api-prod')]);
    await Promise.all([a.evaluate([REF]), b.evaluate([REF])]);
    expect(s.sent).toHaveLength(2);
    expect(s.sent[1].payload.metadata).toEqual({ resolved: true });

    // A replica started later sees the condition open in the database: no second send.
    s.view.current = content([
      app('payments-api-prod', { health: 'Degraded' }),
    ]);
    await a.evaluate([REF]);
    const c = await replica({ ...s, db: sqlite(file) });
    await c.evaluate([REF]);
    expect(s.sent).toHaveLength(3);
    // It cleared while a was gone: c resolves what a opened, though it never saw it open.
    const d = await replica({ ...s, db: sqlite(file) });
    s.view.current = content([app('payments-api-prod')]);
    await d.evaluate([REF]);
    expect(s.sent).toHaveLength(4);
    expect(s.sent[3].payload).toMatchObject({
      scope: s.sent[2].payload.scope,
      metadata: { resolved: true },
    });
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a notification the notifications backend refused is sent at the next look', async () => {
    const s = setup({ degradedGracePeriod: { minutes: 0 } });
    let down = true;
    const tracker = await replica({
      ...s,
      send: async o => {
        if (down) throw new Error('notifications backend unavailable');
        s.sent.push(o);
      },
    });
    s.view.current = content([
      app('payments-api-prod', { health: 'Degraded' }),
    ]);
    await tracker.evaluate([REF]);
    down = false;
    await tracker.evaluate([REF]);
    expect(s.sent.map(n => n.payload.topic)).toEqual(['degraded']);
  });
});
