import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import {
  DatabasePromotionStore,
  promotionMigrationsDirectory,
} from './PromotionStore';
import type { PromotionRecord } from './types';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL too when BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING is set.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_16'],
  disableDocker: true,
});

const record = (patch: Partial<PromotionRecord> = {}): PromotionRecord => ({
  id: randomUUID(),
  kind: 'promotion',
  entityRef: 'component:default/payments-api',
  fromEnv: 'dev',
  toEnv: 'staging',
  version: '1.4.0',
  previousVersion: '1.3.2',
  requester: 'user:default/alice',
  state: 'committed',
  mode: 'commit',
  commitSha: 'a'.repeat(40),
  gateResults: [
    { gate: 'approval', status: 'skipped', message: 'not required' },
  ],
  files: ['registry/versions.yaml'],
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  ...patch,
});

describe.each(databases.eachSupportedId())(
  'DatabasePromotionStore on %s',
  id => {
    it('runs the migrations up and down, and stores promotions', async () => {
      const knex = await databases.init(id);
      const store = await DatabasePromotionStore.fromKnex(knex);
      expect(await knex.schema.hasTable('promotions')).toBe(true);
      expect(await knex.schema.hasTable('promotion_locks')).toBe(true);

      const first = record();
      const second = record({
        toEnv: 'prod',
        fromEnv: 'staging',
        state: 'awaiting-approval',
        mode: 'pull-request',
        branch: 'promote/payments-api-prod-1.4.0',
        prUrl: 'file:///x#branch=promote/payments-api-prod-1.4.0',
        commitSha: undefined,
        createdAt: '2026-11-23T10:05:00.000Z',
        updatedAt: '2026-11-23T10:05:00.000Z',
      });
      const preview = record({
        state: 'previewed',
        createdAt: '2026-11-23T10:06:00.000Z',
      });
      await store.insert(first);
      await store.insert(second);
      await store.insert(preview);
      expect(await store.get(first.id)).toEqual(first);
      expect(await store.get('not-a-uuid')).toBeUndefined();
      expect((await store.list(first.entityRef)).map(r => r.id)).toEqual([
        second.id,
        first.id,
      ]);
      expect(
        await store.list(first.entityRef, { includePreviews: true }),
      ).toHaveLength(3);
      expect(
        (
          await store.findByStates(['awaiting-approval', 'pr-open'], {
            toEnv: 'prod',
          })
        ).map(r => r.id),
      ).toEqual([second.id]);

      const merged = await store.update(
        second.id,
        {
          state: 'merged',
          approver: 'user:default/bob',
          commitSha: 'b'.repeat(40),
        },
        { expectStates: ['awaiting-approval'] },
      );
      expect(merged).toMatchObject({
        state: 'merged',
        approver: 'user:default/bob',
        branch: second.branch,
      });
      // Two replicas cannot both move it out of the same state.
      await expect(
        store.update(
          second.id,
          { state: 'failed' },
          { expectStates: ['awaiting-approval'] },
        ),
      ).rejects.toThrow(
        new ConflictError(
          `promotion ${second.id} is merged, expected awaiting-approval`,
        ),
      );

      await knex.migrate.rollback(
        {
          directory: promotionMigrationsDirectory(),
          tableName: 'gitops_promotion_migrations',
          loadExtensions: ['.js'],
        },
        true,
      );
      expect(await knex.schema.hasTable('promotions')).toBe(false);
      expect(await knex.schema.hasTable('promotion_locks')).toBe(false);
    });

    it('lets exactly one of many concurrent acquirers hold a lock, and takes over an expired one', async () => {
      const knex = await databases.init(id);
      const store = await DatabasePromotionStore.fromKnex(knex);
      const key = { entityRef: 'component:default/payments-api', env: 'prod' };
      const race = async (nowMs: number, n = 20) => {
        const holders = Array.from({ length: n }, () => randomUUID());
        const won = await Promise.all(
          holders.map(h => store.tryAcquireLock(key, h, 1000, nowMs)),
        );
        return holders.filter((_, i) => won[i]);
      };

      for (let round = 0; round < 5; round++) {
        const winners = await race(round * 10_000);
        expect(winners).toHaveLength(1);
        // Held: nobody else gets it before it expires.
        expect(await race(round * 10_000 + 500)).toHaveLength(0);
        // Released by its holder only.
        await store.releaseLock(key, randomUUID());
        expect(await race(round * 10_000 + 600)).toHaveLength(0);
        await store.releaseLock(key, winners[0]);
      }

      // Expired (a crashed replica): exactly one of the concurrent takers gets it.
      const [crashed] = await race(100_000);
      expect(crashed).toBeDefined();
      const takers = await race(100_000 + 1001);
      expect(takers).toHaveLength(1);
      expect(takers[0]).not.toBe(crashed);
      // The crashed holder's late release does not free the new holder's lock.
      await store.releaseLock(key, crashed);
      expect(await race(100_000 + 1500)).toHaveLength(0);
      // A holder that renews keeps it past its first expiry.
      expect(await store.renewLock(key, takers[0], 1000, 100_000 + 1900)).toBe(
        true,
      );
      expect(await race(100_000 + 2500)).toHaveLength(0);
      expect(await store.renewLock(key, crashed, 1000, 100_000 + 2500)).toBe(
        false,
      );
      // Other keys are independent.
      expect(
        await store.tryAcquireLock(
          { ...key, env: 'staging' },
          randomUUID(),
          1000,
          100_000 + 1500,
        ),
      ).toBe(true);
    });
  },
);
