import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ArgoCdApi } from './argocd/ArgoCdClient';
import type { CostClient } from './cost/types';
import type { VeleroClient } from './velero/types';

/**
 * Lets a backend module add upstreams next to the configured ones: another Argo CD-compatible
 * deployment source, another cost engine, another backup source.
 *
 * @public
 */
export interface GitopsSourcesExtensionPoint {
  addDeploymentSource(source: ArgoCdApi): void;
  addCostSource(source: CostClient): void;
  addBackupSource(source: VeleroClient): void;
}

/** @public */
export const gitopsSourcesExtensionPoint =
  createExtensionPoint<GitopsSourcesExtensionPoint>({
    id: 'gitops.sources',
  });
