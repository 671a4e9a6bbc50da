/*
 * The Argo CD objects of a service: one Application per environment (sync policy from the
 * environment's policy) and, with `argocd.createProject`, the team's AppProject.
 */
import type { EnvironmentConfig, ServiceSpec } from '../input';
import type { Models } from '../models';
import { namespaceOf, sourcePath } from './naming';

/** The finalizer that makes Argo CD delete an app's resources with the app. */
export const ARGOCD_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export function application(
  m: Models,
  spec: ServiceSpec,
  env: EnvironmentConfig,
) {
  const source = {
    repoURL: spec.repoUrl,
    path: sourcePath(spec, env.name),
    targetRevision: spec.argocd.targetRevision,
    ...(spec.layout === 'kustomize'
      ? {}
      : { helm: { valueFiles: [`values-${env.name}.yaml`] } }),
  };
  return new m.Application({
    metadata: {
      name: `${spec.name}-${env.name}`,
      namespace: spec.argocd.namespace,
      labels: {
        'app.kubernetes.io/name': spec.name,
        app: spec.name,
        environment: env.name,
        team: spec.team,
      },
      finalizers: [ARGOCD_FINALIZER],
    },
    spec: {
      project: spec.argocd.project,
      source,
      destination: {
        server: spec.argocd.server,
        namespace: namespaceOf(spec.name, env.name),
      },
      syncPolicy: {
        ...(env.autoSync ? { automated: { prune: true, selfHeal: true } } : {}),
        syncOptions: [
          'CreateNamespace=true',
          'PruneLast=true',
          ...(env.hpa ? ['RespectIgnoreDifferences=true'] : []),
        ],
        managedNamespaceMetadata: {
          labels: { app: spec.app, team: spec.team, environment: env.name },
        },
        retry: {
          limit: 5,
          backoff: { duration: '5s', factor: 2, maxDuration: '3m' },
        },
      },
      ...(env.hpa
        ? {
            ignoreDifferences: [
              {
                group: 'apps',
                kind: 'Deployment',
                name: spec.name,
                jsonPointers: ['/spec/replicas'],
              },
            ],
          }
        : {}),
    },
  });
}

export function appProject(m: Models, spec: ServiceSpec) {
  return new m.AppProject({
    metadata: {
      name: spec.argocd.project,
      namespace: spec.argocd.namespace,
      labels: { team: spec.team },
    },
    spec: {
      description: `Applications of team ${spec.team}`,
      sourceRepos: [spec.repoUrl],
      destinations: [
        { server: spec.argocd.server, namespace: `${spec.name}-*` },
      ],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    },
  });
}
