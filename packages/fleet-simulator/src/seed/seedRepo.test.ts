import fs from 'node:fs/promises';
import { parse } from 'yaml';
import { git } from '../git/git';
import { GitRepo } from '../git/repo';
import { tempDir } from '../testUtils';
import { SEED_COMMITS } from './layout';
import { seedRepo } from './seedRepo';

describe('seed gitops repository', () => {
  it('has a realistic history and the documented layout and versions', async () => {
    const dir = await tempDir('fleet-seed-');
    try {
      const now = new Date('2026-11-23T10:00:00Z');
      const seeded = await seedRepo(dir, now);
      const repo = new GitRepo(seeded.bareRepoPath);
      const log = (
        await git(['log', '--format=%an|%s|%aI', 'main'], {
          cwd: seeded.bareRepoPath,
        })
      )
        .trim()
        .split('\n');
      expect(log).toHaveLength(SEED_COMMITS.length);
      expect(new Set(log.map(l => l.split('|')[0])).size).toBeGreaterThan(2);
      expect(log[0]).toContain('payments-api: promote hotfix 1.3.1 to prod');
      expect(Date.parse(log[0].split('|')[2])).toBe(
        now.getTime() - 3 * 3600_000,
      );

      const head = await repo.head();
      const files = await repo.listFiles(head, '');
      expect(files).toEqual(
        expect.arrayContaining([
          'argocd/root.yaml',
          'argocd/apps/payments-api-prod.yaml',
          'apps/payments-api/base/kustomization.yaml',
          'apps/chores-api/overlays/staging/kustomization.yaml',
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
      expect(registry.services['chores-api'].staging.version).toBe('2.1.0-bad');
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
      const tags = (await git(['tag'], { cwd: seeded.bareRepoPath }))
        .trim()
        .split('\n');
      expect(tags).toEqual(['release-2026.11.1', 'release-2026.11.2']);
      // payments-api-prod's last deployment is 1.3.0: the 1.3.1 commit is not synced yet.
      expect(seeded.deployments['payments-api-prod'].map(d => d.tag)).toEqual([
        '1.2.0',
        '1.3.0',
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
