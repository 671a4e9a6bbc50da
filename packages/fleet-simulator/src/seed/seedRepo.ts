import fs from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/git';
import {
  ENV_POLICY,
  Env,
  SEED_COMMITS,
  SeedCommit,
  SeedEvent,
  Versions,
  isRollback,
} from './layout';
import { backfillEvents } from './backfill';
import { Registry, renderTree } from './files';

/** The fleet's default `seed` option (fleetOptions.ts); the backfilled history follows it. */
export const DEFAULT_SEED = 42;

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

/** The whole seeded history, oldest first: the backfill of `seed`, then the current state. */
export function seedEvents(seed = DEFAULT_SEED): SeedEvent[] {
  return [...backfillEvents(seed), ...SEED_COMMITS];
}

/**
 * Creates `<dir>/gitops.git` (bare) from the seed history. One `git fast-import` writes every
 * commit (~150 of them: one process instead of three per commit). An existing repository there
 * is replaced: the live state is derived from the seed history.
 */
export async function seedRepo(
  dir: string,
  now: Date,
  seed = DEFAULT_SEED,
): Promise<SeedResult> {
  const bareRepoPath = path.join(dir, 'gitops.git');
  const url = `file://${bareRepoPath}`;
  await fs.rm(bareRepoPath, { recursive: true, force: true });
  await git(['init', '-q', '--bare', '--initial-branch=main', bareRepoPath]);

  const events = seedEvents(seed);
  const dateOf = (e: SeedEvent) =>
    new Date(now.getTime() - Math.round(e.hoursAgo * 3600_000));
  const commits = events.filter((e): e is SeedCommit => !isRollback(e));
  const marks = path.join(dir, '.seed-marks');
  await git(['fast-import', '--quiet', `--export-marks=${marks}`], {
    cwd: bareRepoPath,
    input: fastImportStream(commits, dateOf, url),
  });
  const shaOfMark = new Map(
    (await fs.readFile(marks, 'utf8'))
      .trim()
      .split('\n')
      .map(l => l.split(' ') as [string, string]),
  );
  await fs.rm(marks, { force: true });

  const deployments: Record<string, SeedDeployment[]> = {};
  let mark = 0;
  for (const e of events) {
    const date = dateOf(e);
    if (isRollback(e)) {
      // Argo CD redeploys the revision of the history entry before the current one.
      const history = deployments[e.rollback];
      const previous = history[history.length - 2];
      history.push({
        sha: previous.sha,
        tag: previous.tag,
        deployedAt: date,
        initiatedBy: { username: e.username },
      });
      continue;
    }
    const sha = shaOfMark.get(`:${++mark}`)!;
    for (const [svc, envs] of Object.entries(e.set)) {
      for (const env of Object.keys(envs) as Env[]) {
        const app = `${svc}-${env}`;
        if (e.notDeployed?.includes(app)) continue;
        // Auto-sync lands within a couple of minutes; a person syncs prod later.
        const automated = ENV_POLICY[env].automated;
        const after = automated ? 2 : e.syncedBy?.afterMinutes ?? 45;
        (deployments[app] ??= []).push({
          sha,
          tag: envs[env]!,
          deployedAt: new Date(date.getTime() + after * 60_000),
          initiatedBy: automated
            ? { automated: true }
            : { username: e.syncedBy?.username ?? 'admin' },
          ...(e.pausedCanary?.includes(app) ? { pausedCanary: true } : {}),
        });
      }
    }
  }
  return { bareRepoPath, url, deployments };
}

/**
 * The commits as a fast-import stream: commit n is mark `:n`; each writes only the files that
 * changed since the previous one.
 */
function fastImportStream(
  commits: SeedCommit[],
  dateOf: (c: SeedCommit) => Date,
  url: string,
): string {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const versions: Versions = {};
  const registry: Registry = { services: {} };
  const memo = new Map<string, Record<string, string>>();
  let previous: Record<string, string> = {};
  const out: string[] = [];
  commits.forEach((c, i) => {
    const date = dateOf(c);
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
    const tree = renderTree(versions, url, registry, memo);
    const ident = `${c.author.name} <${c.author.email}> ${Math.floor(
      date.getTime() / 1000,
    )} +0000`;
    out.push(
      'commit refs/heads/main\n',
      `mark :${i + 1}\n`,
      `author ${ident}\n`,
      `committer ${ident}\n`,
      data(`${c.message}\n`),
    );
    for (const [file, content] of Object.entries(tree)) {
      if (previous[file] !== content)
        out.push(`M 100644 inline ${file}\n`, data(content));
    }
    for (const file of Object.keys(previous))
      if (!(file in tree)) out.push(`D ${file}\n`);
    out.push('\n');
    if (c.tag) out.push(`reset refs/tags/${c.tag}\nfrom :${i + 1}\n\n`);
    previous = tree;
  });
  return out.join('');
}
