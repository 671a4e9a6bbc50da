/**
 * The GitOps backend plugin: one per-entity, per-environment view of Argo CD, cost and Velero,
 * served from a shared snapshot.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export {
  gitopsSourcesExtensionPoint,
  type GitopsSourcesExtensionPoint,
} from './extensions';
export type {
  ArgoCdApi,
  ArgoWatchEvent,
  ArgoAppRef,
} from './argocd/ArgoCdClient';
export type { AppRecord, ArgoInstanceData } from './argocd/types';
export type { CostClient, CostClusterData, CostRow } from './cost/types';
export type { VeleroClient, VeleroClusterData } from './velero/types';
export { gitopsClockServiceRef, type GitopsClock } from './util/clock';
