/*
 * The service's catalog entity (catalog-info.yaml), with the annotations the GitOps plugins
 * read: Argo CD app selector and project, repo path, version source and cost label selector.
 */
import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import type { ServiceSpec } from '../input';
import { toYaml } from '../yaml';
import { servicePath } from './naming';

export function catalogInfo(spec: ServiceSpec): string {
  return toYaml({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: spec.name,
      ...(spec.description ? { description: spec.description } : {}),
      annotations: {
        [GITOPS_ANNOTATIONS.argoAppSelector]: `app=${spec.name}`,
        ...(spec.argocd.project !== 'default'
          ? { [GITOPS_ANNOTATIONS.argoProjectName]: spec.argocd.project }
          : {}),
        [GITOPS_ANNOTATIONS.repoPath]: servicePath(spec),
        [GITOPS_ANNOTATIONS.versionSource]: spec.layout,
        [GITOPS_ANNOTATIONS.costLabelSelector]: `app=${spec.app}`,
      },
      tags: ['gitops', spec.layout],
    },
    spec: {
      type: 'service',
      lifecycle: 'experimental',
      owner: spec.owner,
      ...(spec.system ? { system: spec.system } : {}),
    },
  });
}
