import {
  createExtensionPoint,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { BackupSource } from './backups';
import type { CostSource } from './cost';
import type { DeploymentSource } from './deployments';
import type {
  PullRequestProvider,
  PullRequestProviderContext,
} from './pullRequests';

/** What a source factory gets to build its source with. @public */
export type GitopsSourceFactoryContext = {
  /** The root config (a module reads its own keys). */
  config: Config;
  logger: LoggerService;
};

/** A source, or a factory that builds it once the plugin starts. @public */
export type SourceOrFactory<T> =
  | T
  | ((context: GitopsSourceFactoryContext) => T | Promise<T>);

/**
 * Adds deployment engines beside the configured Argo CD instances, e.g. a Flux module:
 * `addDeploymentSource({ provider: 'flux', name: 'flux-main', run, ... })`.
 *
 * @public
 */
export interface GitopsDeploymentsExtensionPoint {
  addDeploymentSource(source: SourceOrFactory<DeploymentSource>): void;
}

/** @public */
export const gitopsDeploymentsExtensionPoint =
  createExtensionPoint<GitopsDeploymentsExtensionPoint>({
    id: 'gitops.deployments',
  });

/** Adds cost engines beside the configured Kubecost / OpenCost clusters. @public */
export interface GitopsCostExtensionPoint {
  addCostSource(source: SourceOrFactory<CostSource>): void;
}

/** @public */
export const gitopsCostExtensionPoint =
  createExtensionPoint<GitopsCostExtensionPoint>({ id: 'gitops.cost' });

/** Adds backup sources beside the configured Velero clusters. @public */
export interface GitopsBackupsExtensionPoint {
  addBackupSource(source: SourceOrFactory<BackupSource>): void;
}

/** @public */
export const gitopsBackupsExtensionPoint =
  createExtensionPoint<GitopsBackupsExtensionPoint>({ id: 'gitops.backups' });

/**
 * Replaces where promotion pull requests are opened (built in: GitHub, or plain branches merged
 * by Backstage), e.g. a GitLab merge request module. The factory gets the repository the
 * promotion pushes its branch to.
 *
 * @public
 */
export interface GitopsPullRequestsExtensionPoint {
  setPullRequestProvider(
    provider:
      | PullRequestProvider
      | ((
          context: PullRequestProviderContext & GitopsSourceFactoryContext,
        ) => PullRequestProvider | Promise<PullRequestProvider>),
  ): void;
}

/** @public */
export const gitopsPullRequestsExtensionPoint =
  createExtensionPoint<GitopsPullRequestsExtensionPoint>({
    id: 'gitops.pull-requests',
  });
