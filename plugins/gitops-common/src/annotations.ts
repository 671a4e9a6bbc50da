import type { Entity } from '@backstage/catalog-model';

/**
 * Annotations the GitOps suite reads from a catalog entity.
 *
 * The `argocd/*` names are the ones Roadie's and the community Argo CD plugins use, so catalogs
 * already annotated for those plugins work unchanged; the `gitops/*` ones add what they lack.
 *
 * @public
 */
export const GITOPS_ANNOTATIONS = {
  /** Comma-separated Argo CD application names. */
  argoAppName: 'argocd/app-name',
  /** Argo CD label selector, e.g. `app=payments-api`. */
  argoAppSelector: 'argocd/app-selector',
  /** Restricts the lookup to one configured Argo CD instance. */
  argoInstanceName: 'argocd/instance-name',
  /** Namespace of the Application objects (Argo CD "apps in any namespace"). */
  argoAppNamespace: 'argocd/app-namespace',
  /** Restricts the lookup to one Argo CD project. */
  argoProjectName: 'argocd/project-name',
  /** Cost allocation label selector, e.g. `app=payments-api` (defaults to the entity name). */
  costLabelSelector: 'gitops/cost-label-selector',
  /** Path of the service inside the gitops repository, e.g. `apps/payments-api`. */
  repoPath: 'gitops/repo-path',
  /** How versions are recorded in git: `kustomize`, `helm` or `registry`. */
  versionSource: 'gitops/version-source',
} as const;

/**
 * True when the entity carries an annotation that maps it to Argo CD applications.
 *
 * @public
 */
export function isGitopsAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[GITOPS_ANNOTATIONS.argoAppName]?.trim() ||
      annotations[GITOPS_ANNOTATIONS.argoAppSelector]?.trim(),
  );
}
