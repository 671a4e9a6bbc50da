/**
 * The GitOps plugin: what runs where, whether it is synced and healthy, what it costs,
 * whether it is backed up, and promotion between environments.
 *
 * @packageDocumentation
 */

export { gitopsPlugin as default } from './plugin';
// For apps still on the legacy frontend system.
export { EntityGitopsEnvironmentsCard } from './components/EntityGitopsEnvironmentsCard';
export { EntityGitopsContent } from './components/EntityGitopsContent';
export {
  isGitopsAvailable,
  GITOPS_ANNOTATIONS,
} from '@internal/backstage-plugin-gitops-common';
