import type { Entity } from '@backstage/catalog-model';
import type { Fleet } from '@internal/fleet-simulator';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { CliGitRepository } from '../CliGitRepository';
import { DatabasePromotionStore } from '../PromotionStore';
import { PromotionService } from '../PromotionService';
import { BranchPullRequestProvider } from '../PullRequestProvider';
import { promotionSettings, type PromotionConfig } from '../policy';
import type { Actor, AppState, AppStatesProvider } from '../types';

const exec = promisify(execFile);

export const TEST_AUTHOR = [
  '-c',
  'user.name=Test',
  '-c',
  'user.email=test@example.com',
];

/** Runs git in `cwd` (a test repository) and returns stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', [...TEST_AUTHOR, ...args], {
    cwd,
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

export async function tempDir(prefix: string) {
  return fs.mkdtemp(path.join(os.tmpdir(), `promotion-${prefix}-`));
}

/** Clones `url`, lets `edit` change files, commits and pushes. Returns the new sha. */
export async function pushEdit(
  url: string,
  message: string,
  edit: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = await tempDir('edit');
  try {
    await git(dir, 'clone', '--quiet', url, 'w');
    const work = path.join(dir, 'w');
    await edit(work);
    await git(work, 'add', '-A');
    await git(work, 'commit', '--quiet', '-m', message);
    await git(work, 'push', '--quiet', 'origin', 'HEAD:main');
    return (await git(work, 'rev-parse', 'HEAD')).trim();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export const OWNERS_GROUP = 'group:default/payments';
export const alice: Actor = {
  userEntityRef: 'user:default/alice',
  ownershipEntityRefs: ['user:default/alice', OWNERS_GROUP],
};
export const bob: Actor = {
  userEntityRef: 'user:default/bob',
  ownershipEntityRefs: ['user:default/bob', OWNERS_GROUP],
};
export const mallory: Actor = {
  userEntityRef: 'user:default/mallory',
  ownershipEntityRefs: ['user:default/mallory', 'group:default/other'],
};

export function component(
  name: string,
  annotations: Record<string, string> = {},
  owner = OWNERS_GROUP,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'argocd/app-selector': `app=${name}`, ...annotations },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

/** App states from the fleet's Argo instances (what the snapshot will give the lead). */
export function fleetAppStates(fleet: Fleet): AppStatesProvider {
  return async ({ entity, env }) => fleetApps(fleet, entity.metadata.name, env);
}

export function fleetApps(
  fleet: Fleet,
  service: string,
  env: string,
): AppState[] {
  return fleet.internals.instances.flatMap(instance =>
    [...instance.apps.values()]
      .filter(
        app =>
          !app.filler &&
          app.obj.metadata.labels?.app === service &&
          app.obj.metadata.labels?.environment === env,
      )
      .map(app => ({
        name: app.name,
        sync: app.obj.status.sync.status,
        health: app.obj.status.health.status,
        images: app.obj.status.summary?.images ?? [],
      })),
  );
}

/** A manual sync of a (prod) app, as someone pressing Sync in Argo CD. */
export async function manualSync(fleet: Fleet, appName: string) {
  for (const instance of fleet.internals.instances) {
    const app = instance.apps.get(appName);
    if (app) {
      await instance.startSync(app, { initiatedBy: { username: 'admin' } });
      return;
    }
  }
  throw new Error(`no app ${appName}`);
}

export async function makeService(options: {
  knex: Knex;
  url: string;
  workDir: string;
  clock: { now(): Date };
  appStates?: AppStatesProvider;
  config?: PromotionConfig;
  store?: DatabasePromotionStore;
}) {
  const store =
    options.store ?? (await DatabasePromotionStore.fromKnex(options.knex));
  const repo = new CliGitRepository({
    url: options.url,
    workDir: options.workDir,
    clock: options.clock,
    committer: { name: 'Backstage GitOps', email: 'gitops@example.com' },
  });
  const events: string[] = [];
  const service = new PromotionService({
    store,
    repo,
    pullRequests: new BranchPullRequestProvider(repo),
    settings: promotionSettings(options.config ?? {}),
    clock: options.clock,
    appStates: options.appStates,
    onEvent: e => events.push(`${e.type}:${e.promotion.id}`),
  });
  return { service, store, repo, events };
}
