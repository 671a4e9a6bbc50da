/*
 * Promotions on PostgreSQL as two backend replicas use it: each replica has its own knex client
 * (its own connection pool) on one database. PromotionStore.test.ts and
 * PromotionService.concurrency.test.ts run on PostgreSQL as well (one client each) when
 * BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING is set; scripts/lib/databases.sh
 * (`ensure_postgres`) starts a throwaway server on loopback and exports the URL as GITOPS_PG_URL.
 *
 * Without the variable these tests are skipped, unless GITOPS_REQUIRE_POSTGRES=1 (what
 * scripts/test.sh sets): then a missing or unreachable database fails the run instead of
 * silently testing SQLite only.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import knexFactory, { type Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  alice,
  component,
  git,
  makeService,
  tempDir,
} from './__testUtils__/promotionTestUtils';
import type { PromotionResult } from './PromotionService';
import {
  DatabasePromotionStore,
  type LockKey,
  type PromotionStore,
} from './PromotionStore';
import type { AppStatesProvider } from './types';
import { readRegistryEntry, readVersion } from './versionFiles';

jest.setTimeout(90_000);

// The TestDatabases id; the server is whatever the URL points at (Debian bookworm: 15).
const PG_ID = 'POSTGRES_16';
const URL_VARIABLE = 'BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING';
const required = process.env.GITOPS_REQUIRE_POSTGRES === '1';
const configured = Boolean(process.env[URL_VARIABLE]);

// Declared first so it runs first (jest-circus runs afterAll hooks in declaration order): the
// extra clients must be gone before TestDatabases drops the databases.
const clients: Knex[] = [];
afterAll(async () => {
  await Promise.all(clients.map(c => c.destroy()));
});
const databases = TestDatabases.create({ ids: [PG_ID], disableDocker: true });

/** A second knex client (own pool) on the database `knex` is connected to: another replica. */
function anotherClient(knex: Knex): Knex {
  const client = knexFactory({
    client: 'pg',
    connection: { ...(knex.client.config.connection as object) },
    pool: { min: 0, max: 5 },
  });
  clients.push(client);
  return client;
}

/** Two clients, as two replicas, on one fresh database. */
async function twoReplicaClients(): Promise<[Knex, Knex]> {
  const first = await databases.init(PG_ID);
  return [first, anotherClient(first)];
}

/** Fails when PostgreSQL is required but not configured or not reachable. */
async function checkPostgres() {
  if (!configured) {
    throw new Error(
      `GITOPS_REQUIRE_POSTGRES=1 but ${URL_VARIABLE} is not set: start one with ` +
        '`source scripts/lib/databases.sh; ensure_postgres` and export ' +
        `${URL_VARIABLE}="$GITOPS_PG_URL"`,
    );
  }
  expect(databases.supports(PG_ID)).toBe(true);
  const knex = await databases.init(PG_ID);
  const { rows } = await knex.raw(
    "select current_setting('server_version_num')::int as num, version() as text",
  );
  // eslint-disable-next-line no-console
  console.log(`promotion tests on ${rows[0].text}`);
  expect(rows[0].num).toBeGreaterThanOrEqual(130000);
}

describe('PostgreSQL for the promotion tests', () => {
  const itWhenWanted = configured || required ? it : it.skip;
  itWhenWanted(
    `is reachable through ${URL_VARIABLE}${
      required ? ' (required: GITOPS_REQUIRE_POSTGRES=1)' : ''
    }`,
    checkPostgres,
  );
});

const describeOnPostgres = configured ? describe : describe.skip;

describeOnPostgres('DatabasePromotionStore on PostgreSQL, two clients', () => {
  it('applies the migrations when replicas start at once on an empty database', async () => {
    // knex creates its migration tables unguarded: racing replicas fail with "relation
    // already exists", or leave two lock rows that refuse every later start ("Migration
    // table is already locked"). Three clients, five fresh databases.
    for (let round = 0; round < 5; round++) {
      const [a, b] = await twoReplicaClients();
      const c = anotherClient(a);
      await Promise.all([
        DatabasePromotionStore.fromKnex(a),
        DatabasePromotionStore.fromKnex(b),
        DatabasePromotionStore.fromKnex(c),
      ]);
      expect(
        await a('gitops_promotion_migrations_lock').select('is_locked'),
      ).toEqual([{ is_locked: 0 }]);
    }
    const [a, b] = await twoReplicaClients();
    await Promise.all([
      DatabasePromotionStore.fromKnex(a),
      DatabasePromotionStore.fromKnex(b),
    ]);
    expect(await a.schema.hasTable('promotions')).toBe(true);
    expect(await b.schema.hasTable('promotion_locks')).toBe(true);
    const applied = await a('gitops_promotion_migrations').select('name');
    expect(applied.map(r => r.name)).toEqual(['20261123110000_promotions.js']);
    // A later start finds nothing to do.
    await DatabasePromotionStore.fromKnex(b);
    expect(await a('gitops_promotion_migrations').count('* as n')).toEqual([
      { n: '1' },
    ]);
  });

  it('lets exactly one holder across both clients hold a lock, and takes over an expired one from the other client', async () => {
    const [a, b] = await twoReplicaClients();
    const storeA = await DatabasePromotionStore.fromKnex(a);
    const storeB = await DatabasePromotionStore.fromKnex(b, {
      skipMigrations: true,
    });
    const key = { entityRef: 'component:default/payments-api', env: 'prod' };
    /** 10 acquirers on each client at once; the holders that got it. */
    const race = async (nowMs: number) => {
      const attempts = Array.from({ length: 20 }, (_, i) => ({
        holder: randomUUID(),
        store: i % 2 ? storeB : storeA,
        client: i % 2 ? 'b' : 'a',
      }));
      const won = await Promise.all(
        attempts.map(x => x.store.tryAcquireLock(key, x.holder, 1000, nowMs)),
      );
      return attempts.filter((_, i) => won[i]);
    };

    const winnersByClient = { a: 0, b: 0 };
    for (let round = 0; round < 10; round++) {
      const t = round * 10_000;
      const winners = await race(t);
      expect(winners).toHaveLength(1);
      winnersByClient[winners[0].client as 'a' | 'b']++;
      // Held: neither client gets it before it expires.
      expect(await race(t + 500)).toHaveLength(0);
      // A release by another holder, on the other client, leaves it held.
      const other = winners[0].store === storeA ? storeB : storeA;
      await other.releaseLock(key, randomUUID());
      expect(await race(t + 700)).toHaveLength(0);
      // Expired: exactly one concurrent taker, on either client.
      const takers = await race(t + 1001 + 700);
      expect(takers).toHaveLength(1);
      // The first holder has lost it: it can neither renew nor release it.
      expect(
        await winners[0].store.renewLock(
          key,
          winners[0].holder,
          1000,
          t + 1800,
        ),
      ).toBe(false);
      await winners[0].store.releaseLock(key, winners[0].holder);
      expect(await race(t + 1900)).toHaveLength(0);
      await takers[0].store.releaseLock(key, takers[0].holder);
    }
    // eslint-disable-next-line no-console
    console.log(
      `lock races on PostgreSQL, 2 clients x 10 acquirers, 10 rounds: first holder on client a ${winnersByClient.a}x, b ${winnersByClient.b}x`,
    );
  });
});

const ENVS = ['dev', 'staging', 'prod'] as const;
const INDEPENDENT = Array.from({ length: 8 }, (_, i) => `svc-${i + 1}`);
const CONTESTED = 'contested';
const versionOf = (index: number, env: string) =>
  ({ dev: `2.0.${index}`, staging: `1.5.${index}`, prod: `1.0.${index}` }[
    env
  ]!);
const overlay = (name: string, env: string) =>
  `apps/${name}/overlays/${env}/kustomization.yaml`;
const REGISTRY = 'registry/versions.yaml';

/** A gitops repo with Kustomize overlays and a registry entry for every service. */
async function seedRepo(dir: string): Promise<string> {
  const bare = path.join(dir, 'origin.git');
  await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  const work = path.join(dir, 'seed');
  await git(dir, 'clone', '--quiet', bare, work);
  const registry = ['# what runs where', 'services:'];
  for (const [index, name] of [CONTESTED, ...INDEPENDENT].entries()) {
    registry.push(`  ${name}:`);
    for (const env of ENVS) {
      const file = path.join(work, overlay(name, env));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(
        file,
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n  - name: registry.example.com/${name}\n    newTag: ${versionOf(
          index,
          env,
        )} # promoted by Backstage\n`,
      );
      registry.push(
        `    ${env}:`,
        `      version: ${versionOf(index, env)}`,
        '      deployed_at: 2026-11-01T00:00:00Z',
        '      deployed_by: release-bot@example.com',
      );
    }
  }
  await fs.mkdir(path.join(work, 'registry'));
  await fs.writeFile(path.join(work, REGISTRY), `${registry.join('\n')}\n`);
  await git(work, 'add', '-A');
  await git(work, 'commit', '--quiet', '-m', 'seed');
  await git(work, 'push', '--quiet', 'origin', 'HEAD:main');
  return bare;
}

const indexOf = (name: string) => [CONTESTED, ...INDEPENDENT].indexOf(name);
const appStates: AppStatesProvider = async ({ entity, env }) => {
  const name = entity.metadata.name;
  return [
    {
      name: `${name}-${env}`,
      sync: 'Synced',
      health: 'Healthy',
      images: [`registry.example.com/${name}:${versionOf(indexOf(name), env)}`],
    },
  ];
};

type Hold = { replica: string; key: string; from: number; to?: number };

/** Records when each replica's critical sections under a lock start and end. */
function recordingStore(
  inner: PromotionStore,
  replica: string,
  holds: Hold[],
): PromotionStore {
  const open = new Map<string, Hold>();
  const keyOf = (k: LockKey) => `${k.entityRef}|${k.env}`;
  return Object.assign(Object.create(inner) as PromotionStore, {
    async tryAcquireLock(
      key: LockKey,
      holder: string,
      ttl: number,
      now: number,
    ) {
      const got = await inner.tryAcquireLock(key, holder, ttl, now);
      if (got) {
        const hold = { replica, key: keyOf(key), from: performance.now() };
        holds.push(hold);
        open.set(holder, hold);
      }
      return got;
    },
    async releaseLock(key: LockKey, holder: string) {
      const hold = open.get(holder);
      if (hold) hold.to = performance.now();
      open.delete(holder);
      return inner.releaseLock(key, holder);
    },
  });
}

describeOnPostgres(
  'PromotionService on PostgreSQL, two replicas with their own clients',
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await tempDir('postgres');
    });
    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('never interleaves promotions of one entity + environment and loses no change', async () => {
      const bare = await seedRepo(await fs.mkdtemp(path.join(dir, 'repo-')));
      const [knexA, knexB] = await twoReplicaClients();
      // One replica after the other (a rolling start); starting at once is the test above.
      const storeA = await DatabasePromotionStore.fromKnex(knexA);
      const storeB = await DatabasePromotionStore.fromKnex(knexB);
      const holds: Hold[] = [];
      const clock = { now: () => new Date() };
      const replicas = await Promise.all(
        (
          [
            ['a', knexA, storeA],
            ['b', knexB, storeB],
          ] as const
        ).map(([name, knex, store]) =>
          makeService({
            knex,
            store: recordingStore(store, name, holds) as DatabasePromotionStore,
            url: `file://${bare}`,
            workDir: path.join(dir, `replica-${name}`),
            clock,
            appStates,
          }),
        ),
      );
      const before = (await git(bare, 'rev-parse', 'main')).trim();

      // 8 independent promotions and 6 of the same entity + environment, alternating replicas.
      const independent = INDEPENDENT.map((name, i) =>
        replicas[i % 2].service.create({
          entity: component(name),
          from: 'dev',
          to: 'staging',
          requester: alice,
        }),
      );
      const contested = Array.from({ length: 6 }, (_, i) =>
        replicas[i % 2].service.create({
          entity: component(CONTESTED),
          from: 'dev',
          to: 'staging',
          requester: alice,
        }),
      );
      const [done, raced] = await Promise.all([
        Promise.allSettled(independent),
        Promise.allSettled(contested),
      ]);

      expect(done.filter(r => r.status === 'rejected')).toEqual([]);
      const landed = done.map(
        r => (r as PromiseFulfilledResult<PromotionResult>).value,
      );
      const won = raced
        .filter(r => r.status === 'fulfilled')
        .map(r => (r as PromiseFulfilledResult<PromotionResult>).value);
      const refused = raced
        .filter(r => r.status === 'rejected')
        .map(r => (r as PromiseRejectedResult).reason as Error);
      expect(won).toHaveLength(1);
      expect(refused).toHaveLength(5);
      for (const error of refused) {
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toMatch(
          /is at 2\.0\.0 now, not 1\.5\.0|already runs 2\.0\.0 in staging|another promotion of component:default\/contested to staging is in progress/,
        );
      }

      // Each landed promotion is its own commit on a linear history; nothing else was written.
      const all = [...landed, ...won];
      expect(all.every(p => p.state === 'committed')).toBe(true);
      const history = (
        await git(bare, 'rev-list', '--first-parent', `${before}..main`)
      )
        .trim()
        .split('\n');
      expect(history).toHaveLength(all.length);
      expect(new Set(all.map(p => p.commitSha))).toEqual(new Set(history));
      expect(
        (await git(bare, 'rev-list', '--merges', `${before}..main`)).trim(),
      ).toBe('');

      // No lost change: every overlay and registry entry holds its promoted version.
      const registry = await git(bare, 'show', `main:${REGISTRY}`);
      for (const name of [CONTESTED, ...INDEPENDENT]) {
        const version = versionOf(indexOf(name), 'dev');
        const text = await git(
          bare,
          'show',
          `main:${overlay(name, 'staging')}`,
        );
        expect(
          readVersion(text, {
            kind: 'kustomize',
            service: name,
            env: 'staging',
            path: overlay(name, 'staging'),
            registryPath: REGISTRY,
          }),
        ).toBe(version);
        expect(text).toContain('# promoted by Backstage');
        expect(readRegistryEntry(registry, name, 'staging')?.version).toBe(
          version,
        );
        expect(readRegistryEntry(registry, name, 'prod')?.version).toBe(
          versionOf(indexOf(name), 'prod'),
        );
      }

      // Both replicas took the contested lock, and their critical sections never overlapped.
      const key = `component:default/${CONTESTED}|staging`;
      const sections = holds
        .filter(h => h.key === key)
        .sort((x, y) => x.from - y.from);
      expect(sections.every(h => h.to !== undefined)).toBe(true);
      expect(new Set(sections.map(h => h.replica))).toEqual(
        new Set(['a', 'b']),
      );
      for (let i = 1; i < sections.length; i++) {
        expect(sections[i].from).toBeGreaterThanOrEqual(sections[i - 1].to!);
      }
      // Both replicas' stores see every record.
      const contestedRecords = await storeB.list(
        `component:default/${CONTESTED}`,
      );
      expect(contestedRecords.map(r => r.state).sort()).toEqual([
        'committed',
        ...Array(5).fill('failed'),
      ]);
      expect(
        (await storeA.findByStates(['committed'])).map(r => r.id).sort(),
      ).toEqual(all.map(p => p.id).sort());

      // eslint-disable-next-line no-console
      console.log(
        `promotions on PostgreSQL, 2 replicas with own clients: ${landed.length}/${INDEPENDENT.length} independent landed, ` +
          `1/6 contested landed (${won[0].id.slice(0, 8)}), refused ${refused
            .map(e => (/in progress/.test(e.message) ? 'lock' : 'version'))
            .join(', ')}; contested lock held ${sections.length}x ` +
          `(a ${sections.filter(s => s.replica === 'a').length}, b ${
            sections.filter(s => s.replica === 'b').length
          }), never overlapping`,
      );
      replicas.forEach(r => r.repo.close());
    });
  },
);
