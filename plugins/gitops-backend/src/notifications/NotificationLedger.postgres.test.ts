/*
 * The notification ledger on PostgreSQL as two backend replicas use it: one database, a knex
 * client (own pool) each. Runs where promotion.postgres.test.ts runs (scripts/test.sh starts
 * the server and requires it: GITOPS_REQUIRE_POSTGRES=1, which that file checks).
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import knexFactory, { type Knex } from 'knex';
import {
  REF,
  app,
  capturingNotifications,
  config,
  content,
} from './__testUtils__/notificationFixtures';
import { ConditionTracker } from './ConditionTracker';
import { NotificationLedger } from './NotificationLedger';

jest.setTimeout(60_000);

const PG_ID = 'POSTGRES_16';
const configured = Boolean(
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING,
);
const clients: Knex[] = [];
afterAll(() => Promise.all(clients.map(c => c.destroy())));
const databases = TestDatabases.create({ ids: [PG_ID], disableDocker: true });

const describeOnPostgres = configured ? describe : describe.skip;

describeOnPostgres('notifications on PostgreSQL, two replicas', () => {
  it('migrate at once, and send each of 20 conditions once and resolve each once', async () => {
    const first = await databases.init(PG_ID);
    const second = knexFactory({
      client: 'pg',
      connection: { ...(first.client.config.connection as object) },
      pool: { min: 0, max: 5 },
    });
    clients.push(second);
    const sent: NotificationSendOptions[] = [];
    const view = {
      current: content(
        Array.from({ length: 20 }, (_, i) =>
          app(`payments-api-${i}`, { health: 'Degraded' }),
        ),
      ),
    };
    const [a, b] = await Promise.all(
      [first, second].map(
        async db =>
          new ConditionTracker({
            // One notification per condition, so each claim shows.
            config: config({
              degradedGracePeriod: 'PT0S',
              maxPerEntityBatch: 100,
            }),
            ledger: await NotificationLedger.fromKnex(db),
            notifications: capturingNotifications(sent),
            contentOf: () => view.current,
            now: () => new Date('2026-12-06T08:00:00Z'),
            logger: mockServices.logger.mock(),
          }),
      ),
    );
    await Promise.all([a.evaluate([REF]), b.evaluate([REF])]);
    expect(sent).toHaveLength(20);
    expect(new Set(sent.map(n => n.payload.scope)).size).toBe(20);

    view.current = content(
      Array.from({ length: 20 }, (_, i) => app(`payments-api-${i}`)),
    );
    await Promise.all([a.evaluate([REF]), b.evaluate([REF])]);
    expect(sent.filter(n => n.payload.metadata?.resolved)).toHaveLength(20);
  });
});
