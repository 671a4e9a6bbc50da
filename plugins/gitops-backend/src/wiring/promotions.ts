import type {
  DatabaseService,
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type {
  PullRequestProvider,
  PullRequestProviderContext,
  GitopsSourceFactoryContext,
} from '@internal/backstage-plugin-gitops-node';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PromotionSetup } from '../config';
import {
  CliGitRepository,
  DatabasePromotionStore,
  gitAuthFromIntegrations,
  PromotionService,
  pullRequestProviderFor,
  type AppState,
  type PromotionEvent,
} from '../promotion';
import type { GitopsClock } from '../util/clock';

export type PullRequestProviderOverride =
  | PullRequestProvider
  | ((
      context: PullRequestProviderContext & GitopsSourceFactoryContext,
    ) => PullRequestProvider | Promise<PullRequestProvider>);

/**
 * The promotion service of a configured gitops repository: this replica's clone, git
 * credentials and pull requests from Backstage's `integrations` (or a module's provider), the
 * promotion store in the plugin's database.
 */
export async function createPromotions(options: {
  setup: PromotionSetup;
  rootConfig: RootConfigService;
  database: DatabaseService;
  lifecycle: LifecycleService;
  clock: GitopsClock;
  logger: LoggerService;
  pullRequests?: PullRequestProviderOverride;
  appStates: (entity: Entity, env: string) => AppState[];
  onEvent: (event: PromotionEvent) => void;
}): Promise<{ service: PromotionService; description: string }> {
  const { setup, logger, clock } = options;
  const { settings } = setup;
  // Each replica its own clone, made on the first promotion.
  const ownWorkDir = !setup.workDir;
  const workDir =
    setup.workDir ??
    path.join(os.tmpdir(), `backstage-gitops-promotion-${randomUUID()}`);
  // Credentials of the git remote and the code host come from `integrations`.
  const integrations = ScmIntegrations.fromConfig(options.rootConfig);
  const githubCredentials =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  const repo = new CliGitRepository({
    url: setup.repository.url,
    branch: settings.branch,
    workDir: path.join(workDir, 'promotion-git'),
    committer: settings.committer,
    auth: gitAuthFromIntegrations({
      url: setup.repository.url,
      integrations,
      githubCredentials,
    }),
    clock,
    logger,
  });
  const override = options.pullRequests;
  let pullRequests: PullRequestProvider;
  if (typeof override === 'function') {
    pullRequests = await override({
      repo,
      repositoryUrl: setup.repository.url,
      config: options.rootConfig,
      logger,
    });
  } else {
    pullRequests =
      override ??
      pullRequestProviderFor({
        config: setup.pullRequests,
        repositoryUrl: setup.repository.url,
        repo,
        integrations,
        githubCredentials,
        logger,
      }).provider;
  }
  options.lifecycle.addShutdownHook(async () => {
    repo.close();
    if (ownWorkDir) await fs.rm(workDir, { recursive: true, force: true });
  });
  const service = new PromotionService({
    store: await DatabasePromotionStore.create({ database: options.database }),
    repo,
    pullRequests,
    settings,
    clock,
    logger,
    appStates: async query => options.appStates(query.entity, query.env),
    onEvent: options.onEvent,
  });
  return {
    service,
    description: `on ${setup.repository.branch}, pull requests as ${pullRequests.description}`,
  };
}
