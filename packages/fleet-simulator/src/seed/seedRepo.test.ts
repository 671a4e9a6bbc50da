import fs from 'node:fs/promises';
import { parse } from 'yaml';
import { git } from '../git/git';
import { GitRepo } from '../git/repo';
import { tempDir } from '../testUtils';
import { BACKFILL_END_HOURS, RELEASE_LINES } from './backfill';
import { SEED_COMMITS, SERVICES, isRollback } from './layout';
import { SeedResult, seedEvents, seedRepo } from './seedRepo';

jest.setTimeout(30_000);

const now = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

async function seeded<T>(
  seed: number,
  read: (s: SeedResult) => Promise<T>,
  dir?: string,
): Promise<T> {
  const where = dir ?? (await tempDir('fleet-seed-'));
  try {
    return await read(await seedRepo(where, now, seed));
  } finally {
    if (!dir) await fs.rm(where, { recursive: true, force: true });
  }
}

const gitLog = async (s: SeedResult, format: string) =>
  (await git(['log', `--format=${format}`, 'main'], { cwd: s.bareRepoPath }))
    .trim()
    .split('\n');

/** `1.10.0` > `1.9.3`; a suffix (`-bad`) compares after its numbers. */
const compareVersions = (a: string, b: string) => {
  const n = (v: string) => v.split(/[.-]/).map(p => Number(p) || 0);
  const [x, y] = [n(a), n(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

describe('seed gitops repository', () => {
  it('has a realistic history and the documented layout and versions', async () => {
    await seeded(42, async s => {
      const repo = new GitRepo(s.bareRepoPath);
      try {
        const log = await gitLog(s, '%an|%s|%aI');
        const commits = seedEvents(42).filter(e => !isRollback(e));
        expect(log).toHaveLength(commits.length);
        expect(new Set(log.map(l => l.split('|')[0])).size).toBeGreaterThan(2);
        expect(log[0]).toContain('payments-api: promote hotfix 1.3.1 to prod');
        expect(Date.parse(log[0].split('|')[2])).toBe(
          now.getTime() - 3 * 3600_000,
        );
        // The newest ten days are SEED_COMMITS, in order.
        expect(log.slice(0, SEED_COMMITS.length).reverse()).toEqual(
          SEED_COMMITS.map(
            c =>
              `${c.author.name}|${c.message}|${new Date(
                now.getTime() - c.hoursAgo * 3600_000,
              )
                .toISOString()
                .replace('.000Z', '+00:00')}`,
          ),
        );

        const head = await repo.head();
        const files = await repo.listFiles(head, '');
        expect(files).toEqual(
          expect.arrayContaining([
            'argocd/root.yaml',
            'argocd/apps/payments-api-prod.yaml',
            'argocd/apps/payments-ledger-staging.yaml',
            'apps/payments-api/base/kustomization.yaml',
            'apps/chores-api/overlays/staging/kustomization.yaml',
            'apps/payments-ledger/overlays/prod/kustomization.yaml',
            'charts/schedule-bot/values-prod.yaml',
            'registry/versions.yaml',
            'argocd/projects/payments.yaml',
          ]),
        );
        const registry = parse(
          (await repo.readFile(head, 'registry/versions.yaml'))!,
        );
        expect(registry.services['payments-api'].prod).toMatchObject({
          version: '1.3.1',
          deployed_by: 'carol@example.com',
        });
        expect(registry.services['chores-api'].staging.version).toBe(
          '2.1.0-bad',
        );
        const overlay = parse(
          (await repo.readFile(
            head,
            'apps/payments-api/overlays/prod/kustomization.yaml',
          ))!,
        );
        expect(overlay.images).toEqual([
          { name: 'registry.example.com/payments-api', newTag: '1.3.1' },
        ]);
        const values = parse(
          (await repo.readFile(head, 'charts/schedule-bot/values-dev.yaml'))!,
        );
        expect(values.image.tag).toBe('0.9.0');
        const app = parse(
          (await repo.readFile(head, 'argocd/apps/payments-ledger-prod.yaml'))!,
        );
        expect(app.metadata.labels).toMatchObject({
          app: 'payments-ledger',
          team: 'payments',
        });
        expect(app.spec).toMatchObject({
          project: 'payments',
          revisionHistoryLimit: 100,
        });
        const tags = (await git(['tag'], { cwd: s.bareRepoPath }))
          .trim()
          .split('\n');
        expect(tags).toEqual(['release-2026.11.1', 'release-2026.11.2']);
      } finally {
        repo.close();
      }
    });
  });

  it('keeps the current state: what each app runs, and what git says at HEAD', async () => {
    await seeded(42, async s => {
      const running = Object.fromEntries(
        Object.entries(s.deployments).map(([app, d]) => [app, d.at(-1)!.tag]),
      );
      expect(running).toEqual({
        'payments-api-dev': '1.4.0',
        'payments-api-staging': '1.3.2',
        // The 1.3.1 commit is not synced yet: prod runs 1.3.0, git says 1.3.1 (OutOfSync).
        'payments-api-prod': '1.3.0',
        'chores-api-dev': '2.1.0',
        'chores-api-staging': '2.1.0-bad',
        'chores-api-prod': '2.0.3',
        'schedule-bot-dev': '0.9.0',
        'schedule-bot-staging': '0.8.5',
        'schedule-bot-prod': '0.8.5',
        'payments-ledger-dev': '0.5.0',
        'payments-ledger-staging': '0.5.0-bad',
        'payments-ledger-prod': '0.4.0',
      });
      expect(s.deployments['schedule-bot-dev'].at(-1)!.pausedCanary).toBe(true);
      // payments-api-prod's last two deployments are the current window's, synced by admin.
      expect(
        s.deployments['payments-api-prod'].slice(-2).map(d => d.tag),
      ).toEqual(['1.2.0', '1.3.0']);
    });
  });

  it('backfills ~90 days below the current versions, identical for the same seed', async () => {
    const history = (s: SeedResult) =>
      Promise.all([gitLog(s, '%H %aI %an %s'), s.deployments]);
    // Two starts in the same directory (the repo URL is in the manifests): the same commits.
    const dir = await tempDir('fleet-seed-');
    const first = await seeded(42, history, dir);
    const again = await seeded(42, history, dir);
    await fs.rm(dir, { recursive: true, force: true });
    const other = await seeded(7, history);
    expect(again).toEqual(first);
    const subjects = (log: string[]) => log.map(l => l.split(' ').slice(1));
    expect(subjects(other[0])).not.toEqual(subjects(first[0]));

    const [log, deployments] = first;
    const oldest = Date.parse(log.at(-1)!.split(' ')[1]);
    expect((now.getTime() - oldest) / DAY).toBeCloseTo(90, 0);
    expect(log.at(-1)).toContain('Bootstrap gitops repo');
    const backfilled = log.slice(SEED_COMMITS.length);
    expect(backfilled.length).toBeGreaterThan(80);
    for (const l of backfilled)
      expect(now.getTime() - Date.parse(l.split(' ')[1])).toBeGreaterThan(
        BACKFILL_END_HOURS * 3600_000 - 1,
      );

    const firstCurrent = new Date(now.getTime() - 240 * 3600_000);
    for (const svc of SERVICES) {
      expect(RELEASE_LINES[svc.name]).toBeDefined();
      for (const env of ['dev', 'staging', 'prod']) {
        const all = deployments[`${svc.name}-${env}`];
        const current = all.filter(d => d.deployedAt >= firstCurrent);
        const older = all.filter(d => d.deployedAt < firstCurrent);
        expect(older.length).toBeGreaterThan(8);
        // Within the 100 entries the seeded Applications keep.
        expect(all.length).toBeLessThanOrEqual(100);
        for (const d of older)
          expect(compareVersions(d.tag, current[0].tag)).toBeLessThan(0);
      }
      const prod = deployments[`${svc.name}-prod`];
      // An Argo CD rollback: a person redeploys the revision of the entry before.
      const rollbacks = prod.filter(
        (d, i) => i > 1 && d.sha === prod[i - 2].sha && d.initiatedBy.username,
      );
      expect(rollbacks.length).toBeGreaterThanOrEqual(1);
      for (const d of prod.slice(1))
        expect(d.initiatedBy.username).toMatch(/^(admin|\w+@example\.com)$/);
    }
    // Fix-forwards: a hotfix in prod a few hours after the bad release.
    const fixes = log.filter(l => /\(fix-forward of /.test(l));
    expect(fixes.length).toBeGreaterThanOrEqual(SERVICES.length);
    for (const svc of SERVICES) {
      const prod = deployments[`${svc.name}-prod`];
      const fix = prod.findIndex((d, i) => {
        const gap = i
          ? d.deployedAt.getTime() - prod[i - 1].deployedAt.getTime()
          : 0;
        return (
          i > 0 &&
          compareVersions(d.tag, prod[i - 1].tag) > 0 &&
          gap < 8 * 3600_000
        );
      });
      expect(fix).toBeGreaterThan(0);
    }
    // A release reverted in git: the revert commit brings back the version before.
    expect(
      log.some(l => / Revert "[\w-]+: promote [\d.]+ to prod"$/.test(l)),
    ).toBe(true);
  });
});
