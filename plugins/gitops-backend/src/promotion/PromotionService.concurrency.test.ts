import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  alice,
  component,
  git,
  makeService,
  tempDir,
} from './__testUtils__/promotionTestUtils';
import { DatabasePromotionStore } from './PromotionStore';
import type { PromotionResult } from './PromotionService';
import type { AppStatesProvider } from './types';
import { readRegistryEntry, readVersion } from './versionFiles';

jest.setTimeout(90_000);

// SQLite always; PostgreSQL too when BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING is set.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_16'],
  disableDocker: true,
});

const ENVS = ['dev', 'staging', 'prod'] as const;
const SERVICES = Array.from(
  { length: 20 },
  (_, i) => `svc-${String(i + 1).padStart(2, '0')}`,
);
const seedVersion = (index: number, env: string) =>
  ({ dev: `2.0.${index}`, staging: `1.5.${index}`, prod: `1.0.${index}` }[
    env
  ]!);
const CONTESTED_VERSIONS = ['3.0.0', '3.0.1', '3.0.2', '3.0.3', '3.0.4'];

const isHelm = (index: number) => index % 2 === 0;
const fileOf = (name: string, index: number, env: string) =>
  isHelm(index)
    ? `charts/${name}/values-${env}.yaml`
    : `apps/${name}/overlays/${env}/kustomization.yaml`;

/** A gitops repo with 20 services (Kustomize and Helm) + one contested service, and a registry. */
async function seedRepo(dir: string): Promise<string> {
  const bare = path.join(dir, 'origin.git');
  await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  const work = path.join(dir, 'seed');
  await git(dir, 'clone', '--quiet', bare, work);
  const registry: string[] = [
    '# Version registry (seed 004): what runs where',
    'services:',
  ];
  const all = [
    ...SERVICES.map((s, i) => [s, i + 1] as const),
    ['contested', 0] as const,
  ];
  for (const [name, index] of all) {
    registry.push(`  ${name}:`);
    for (const env of ENVS) {
      const version = seedVersion(index, env);
      const file = path.join(work, fileOf(name, index, env));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(
        file,
        isHelm(index)
          ? `# ${name} ${env}\nreplicaCount: 2\nimage:\n  tag: "${version}" # set by promotions\nlogLevel: info\n`
          : `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nimages:\n  # the service image\n  - name: registry.example.com/${name}\n    newTag: ${version}\n`,
      );
      registry.push(
        `    ${env}:`,
        `      version: ${version}`,
        `      deployed_at: 2026-11-01T00:00:00Z`,
        `      deployed_by: release-bot@example.com`,
      );
    }
  }
  await fs.mkdir(path.join(work, 'registry'));
  await fs.writeFile(
    path.join(work, 'registry/versions.yaml'),
    `${registry.join('\n')}\n`,
  );
  await git(work, 'add', '-A');
  await git(work, 'commit', '--quiet', '-m', 'seed');
  await git(work, 'push', '--quiet', 'origin', 'HEAD:main');
  return bare;
}

/** The source environments run their seeded versions, Synced and Healthy. */
const appStates: AppStatesProvider = async ({ entity, env }) => {
  const name = entity.metadata.name;
  const index = name === 'contested' ? 0 : SERVICES.indexOf(name) + 1;
  const versions =
    name === 'contested' && env === 'dev'
      ? CONTESTED_VERSIONS
      : [seedVersion(index, env)];
  return [
    {
      name: `${name}-${env}`,
      sync: 'Synced',
      health: 'Healthy',
      images: versions.map(v => `registry.example.com/${name}:${v}`),
    },
  ];
};

describe.each(databases.eachSupportedId())(
  'PromotionService under concurrency (3 replicas, one %s database)',
  id => {
    let dir: string;

    beforeAll(async () => {
      dir = await tempDir('concurrency');
    });
    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('lands 20 concurrent promotions as their own commits and lets only one of 5 conflicting ones through', async () => {
      const bare = await seedRepo(await fs.mkdtemp(path.join(dir, 'repo-')));
      const url = `file://${bare}`;
      const knex = await databases.init(id);
      const store = await DatabasePromotionStore.fromKnex(knex);
      const clock = { now: () => new Date() };
      const config = {
        environments: { prod: { mode: 'commit' as const, approval: false } },
      };
      const replicas = await Promise.all(
        [0, 1, 2].map(i =>
          makeService({
            knex,
            store,
            url,
            workDir: path.join(dir, `${id}-replica-${i}`),
            clock,
            appStates,
            config,
          }),
        ),
      );
      const entities = SERVICES.map((name, i) =>
        // Half declare their layout, half are detected from the files.
        i % 4 < 2
          ? component(name, {
              'gitops/version-source': isHelm(i + 1) ? 'helm' : 'kustomize',
              'gitops/repo-path': isHelm(i + 1)
                ? `charts/${name}`
                : `apps/${name}`,
            })
          : component(name),
      );
      const plans = SERVICES.map((name, i) => {
        const index = i + 1;
        const [from, to] =
          index <= 14 ? ['dev', 'staging'] : ['staging', 'prod'];
        return { name, index, from, to, version: seedVersion(index, from) };
      });
      const contested = component('contested');
      // The five conflicting ones are each previewed against the same state (staging 1.5.0).
      const previews = await Promise.all(
        CONTESTED_VERSIONS.map((version, i) =>
          replicas[i % 3].service.preview({
            entity: contested,
            from: 'dev',
            to: 'staging',
            version,
            requester: alice,
          }),
        ),
      );
      expect(previews.map(p => p.previousVersion)).toEqual(
        CONTESTED_VERSIONS.map(() => '1.5.0'),
      );
      const before = (await git(bare, 'rev-parse', 'main')).trim();

      const started = Date.now();
      const all = await Promise.allSettled([
        ...plans.map((plan, i) =>
          replicas[i % 3].service.create({
            entity: entities[i],
            from: plan.from,
            to: plan.to,
            requester: alice,
          }),
        ),
        ...previews.map((preview, i) =>
          replicas[(i + 1) % 3].service.create({
            entity: contested,
            from: 'dev',
            to: 'staging',
            requester: alice,
            previewId: preview.id,
          }),
        ),
      ]);
      const durationMs = Date.now() - started;

      const main = all.slice(0, 20);
      const conflicting = all.slice(20);
      const failures = main.filter(r => r.status === 'rejected');
      expect(failures).toEqual([]);
      const landed = main.map(
        r => (r as PromiseFulfilledResult<PromotionResult>).value,
      );
      expect(landed.every(p => p.state === 'committed')).toBe(true);

      // Every non-conflicting promotion is its own commit on a linear history.
      const shas = landed.map(p => p.commitSha!);
      expect(new Set(shas).size).toBe(20);
      const history = (
        await git(bare, 'rev-list', '--first-parent', `${before}..main`)
      )
        .trim()
        .split('\n');
      expect(
        (await git(bare, 'rev-list', '--merges', `${before}..main`)).trim(),
      ).toBe('');
      for (const sha of shas) expect(history).toContain(sha);
      for (const [i, p] of landed.entries()) {
        const files = (
          await git(bare, 'show', '--format=', '--name-only', p.commitSha!)
        )
          .trim()
          .split('\n')
          .sort();
        expect(files).toEqual(
          [
            fileOf(plans[i].name, plans[i].index, plans[i].to),
            'registry/versions.yaml',
          ].sort(),
        );
      }

      // No change lost: every file and every registry entry has its promoted version.
      const registry = await git(bare, 'show', 'main:registry/versions.yaml');
      expect(registry.startsWith('# Version registry (seed 004)')).toBe(true);
      for (const plan of plans) {
        const file = fileOf(plan.name, plan.index, plan.to);
        const text = await git(bare, 'show', `main:${file}`);
        const kind = isHelm(plan.index) ? 'helm' : 'kustomize';
        expect(
          readVersion(text, {
            kind,
            service: plan.name,
            env: plan.to,
            path: file,
            registryPath: 'registry/versions.yaml',
          }),
        ).toBe(plan.version);
        expect(text).toContain(
          isHelm(plan.index) ? '# set by promotions' : '# the service image',
        );
        expect(readRegistryEntry(registry, plan.name, plan.to)).toMatchObject({
          version: plan.version,
          deployed_by: 'user:default/alice',
        });
        // The other environments are untouched.
        for (const env of ENVS.filter(e => e !== plan.to)) {
          expect(readRegistryEntry(registry, plan.name, env)?.version).toBe(
            seedVersion(plan.index, env),
          );
        }
      }

      // The conflicting ones: one lands, the others are refused with a clear conflict, never
      // overwriting it.
      const contestedLanded = conflicting
        .filter(r => r.status === 'fulfilled')
        .map(r => (r as PromiseFulfilledResult<PromotionResult>).value);
      const refused = conflicting
        .filter(r => r.status === 'rejected')
        .map(r => (r as PromiseRejectedResult).reason as Error);
      expect(contestedLanded).toHaveLength(1);
      expect(refused).toHaveLength(4);
      for (const error of refused) {
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.message).toMatch(
          /^contested in staging is at 3\.0\.\d now, not 1\.5\.0 as when this promotion was prepared; nothing was changed, preview again$|^another promotion of component:default\/contested to staging is in progress/,
        );
      }
      const winner = contestedLanded[0];
      const staging = await git(
        bare,
        'show',
        `main:${fileOf('contested', 0, 'staging')}`,
      );
      // Helm values: the quoting and the comment of the line are kept.
      expect(staging).toContain(
        `  tag: "${winner.version}" # set by promotions\n`,
      );
      expect(readRegistryEntry(registry, 'contested', 'staging')?.version).toBe(
        winner.version,
      );
      expect(history).toHaveLength(21);

      // Rebased: pushed on a different tip than the one the change was first computed on.
      const all21 = [...landed, winner];
      let rebased = 0;
      for (const p of all21) {
        const parent = (await git(bare, 'rev-parse', `${p.commitSha}^`)).trim();
        if (parent !== p.baseSha || (p.pushAttempts ?? 1) > 1) rebased++;
      }
      const retried = all21.filter(p => (p.pushAttempts ?? 1) > 1).length;
      const records = await store.list('component:default/contested');
      expect(records.filter(r => r.state === 'failed')).toHaveLength(4);

      // eslint-disable-next-line no-console
      console.log(
        `promotion concurrency (${id}): ${all.length} promotions on 3 replicas in ${durationMs} ms; ` +
          `landed ${all21.length} (20/20 independent, ${contestedLanded.length}/5 conflicting), ` +
          `rebased onto a moved tip ${rebased}, pushes retried after a rejection ${retried}, ` +
          `refused ${refused.length} (${refused
            .map(e =>
              /in progress/.test(e.message) ? 'lock' : 'version changed',
            )
            .join(', ')})`,
      );
      replicas.forEach(r => r.repo.close());
    });
  },
);
