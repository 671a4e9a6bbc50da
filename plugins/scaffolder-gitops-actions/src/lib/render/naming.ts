/*
 * Names and repository paths derived from the service, in one place: render, the
 * manifests:create action and the input checks must agree on them.
 */
import type { ServiceSpec } from '../input';

/** The namespace a service runs in per environment. */
export const namespaceOf = (service: string, env: string) =>
  `${service}-${env}`;

/** The Secret the pods read (created by the ExternalSecret or SealedSecret). */
export const secretName = (spec: ServiceSpec) => `${spec.name}-secrets`;

/** The service's folder (`gitops/repo-path`): the Kustomize app or the Helm chart. */
export function servicePath(spec: ServiceSpec) {
  return spec.layout === 'kustomize'
    ? `${spec.basePrefix}apps/${spec.name}`
    : `${spec.basePrefix}charts/${spec.name}`;
}

/** The folder an environment's Application syncs: its overlay, or the chart. */
export function sourcePath(spec: ServiceSpec, env: string) {
  return spec.layout === 'kustomize'
    ? `${servicePath(spec)}/overlays/${env}`
    : servicePath(spec);
}

/** The AppProject manifest (written with `argocd.createProject`, or merged into). */
export function appProjectFile(spec: ServiceSpec) {
  return `${spec.basePrefix}argocd/projects/${spec.argocd.project}.yaml`;
}
