import fs from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/git';
import { Env, SEED_COMMITS, Versions } from './layout';
import { Registry, renderTree } from './files';

/** One past deployment of a seeded app, used to build Argo's live state and history. */
export interface SeedDeployment {
  sha: string;
  tag: string;
  deployedAt: Date;
  initiatedBy: { username?: string; automated?: boolean };
  /** A Rollout's canary of this deployment waits at its first `pause: {}` (not promoted). */
  pausedCanary?: boolean;
}

export interface SeedResult {
  bareRepoPath: string;
  url: string;
  /** app name (`<service>-<env>`) → deployments, oldest first. */
  deployments: Record<string, SeedDeployment[]>;
}

/**
 * Creates `<dir>/gitops.git` (bare) from the seed commits through a temporary work tree.
 * An existing repository there is replaced: the live state is derived from the seed history.
 */
export async function seedRepo(dir: string, now: Date): Promise<SeedResult> {
  const bareRepoPath = path.join(dir, 'gitops.git');
  const work = path.join(dir, '.seed-work');
  const url = `file://${bareRepoPath}`;
  await fs.rm(bareRepoPath, { recursive: true, force: true });
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  await git(['init', '--bare', '--initial-branch=main', bareRepoPath]);
  await git(['init', '--initial-branch=main', work]);

  const versions: Versions = {};
  const registry: Registry = { services: {} };
  const deployments: Record<string, SeedDeployment[]> = {};
  for (const c of SEED_COMMITS) {
    const date = new Date(now.getTime() - c.hoursAgo * 3600_000);
    for (const [svc, envs] of Object.entries(c.set)) {
      versions[svc] = { ...versions[svc], ...envs };
      for (const [env, version] of Object.entries(envs)) {
        registry.services[svc] = {
          ...registry.services[svc],
          [env]: {
            version: version!,
            deployed_at: date.toISOString(),
            deployed_by: c.author.email,
          },
        };
      }
    }
    const tree = renderTree(versions, url, registry);
    for (const [file, content] of Object.entries(tree)) {
      await fs.mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await fs.writeFile(path.join(work, file), content);
    }
    await git(['add', '-A'], { cwd: work });
    await git(['commit', '-q', '-m', c.message], {
      cwd: work,
      author: { ...c.author, date },
    });
    const sha = (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
    if (c.tag)
      await git(['tag', c.tag], { cwd: work, author: { ...c.author, date } });
    for (const [svc, envs] of Object.entries(c.set)) {
      for (const env of Object.keys(envs) as Env[]) {
        const app = `${svc}-${env}`;
        if (c.notDeployed?.includes(app)) continue;
        const automated = env !== 'prod';
        (deployments[app] ??= []).push({
          sha,
          tag: envs[env]!,
          // Auto-sync lands within a couple of minutes; prod was synced by a human later.
          deployedAt: new Date(date.getTime() + (automated ? 2 : 45) * 60_000),
          initiatedBy: automated ? { automated: true } : { username: 'admin' },
          ...(c.pausedCanary?.includes(app) ? { pausedCanary: true } : {}),
        });
      }
    }
  }
  await git(['push', '-q', bareRepoPath, 'main', '--tags'], { cwd: work });
  await fs.rm(work, { recursive: true, force: true });
  return { bareRepoPath, url, deployments };
}
