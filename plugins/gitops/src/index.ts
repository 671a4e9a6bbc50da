/**
 * The GitOps plugin: what runs where, whether it is synced and healthy, what it costs,
 * whether it is backed up, and promotion between environments.
 *
 * @packageDocumentation
 */

export { gitopsPlugin as default } from './plugin';
// Named exports for apps still on the legacy frontend system.
export { EntityGitopsEnvironmentsCard } from './components/EntityGitopsEnvironmentsCard';
export { EntityGitopsSyncCard } from './components/EntityGitopsSyncCard';
export { EntityGitopsCostCard } from './components/EntityGitopsCostCard';
export { EntityGitopsBackupCard } from './components/EntityGitopsBackupCard';
export { EntityGitopsContent } from './components/EntityGitopsContent';
// Group and System pages (the DORA card also fits a service page).
export { EntityGitopsEstateCard } from './components/EntityGitopsEstateCard';
export { EntityGitopsEstateCostCard } from './components/EntityGitopsEstateCostCard';
export { EntityGitopsEstateBackupCard } from './components/EntityGitopsEstateBackupCard';
export { EntityGitopsDoraCard } from './components/EntityGitopsDoraCard';
export { gitopsApiRef, GitopsClient } from './api';
export type {
  GitopsApi,
  ApplicationAction,
  DoraDays,
  EstateCostCsv,
} from './api';
export {
  isGitopsAvailable,
  GITOPS_ANNOTATIONS,
} from '@internal/backstage-plugin-gitops-common';
