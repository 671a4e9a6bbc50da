/*
 * The pods of a service: its Deployment, the optional migration Job (a Sync hook in wave 1) and the
 * ServiceAccount both run as. Built for the base (no environment) or for one environment.
 */
import type { EnvironmentConfig, ServiceSpec } from '../input';
import type { Models } from '../models';
import { labels, objectMeta, selectorLabels, waveAnnotation } from './metadata';
import {
  STRATEGY,
  antiAffinity,
  containerSecurityContext,
  podSecurityContext,
  probes,
  secretEnv,
  tmpVolumeMount,
  tmpVolumes,
} from './podSpec';

export function migrationImage(spec: ServiceSpec) {
  return spec.migration?.image ?? spec.image;
}

export function migrationTag(spec: ServiceSpec) {
  return spec.migration?.tag ?? spec.tag;
}

/**
 * The Deployment: the base one without `env`, or the one an environment runs (what its
 * overlay or values file produces).
 */
export function deployment(
  m: Models,
  spec: ServiceSpec,
  env?: EnvironmentConfig,
) {
  return new m.Deployment({
    metadata: objectMeta(spec, env?.name, '2'),
    spec: {
      replicas: env?.replicas ?? 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec) },
      strategy: STRATEGY,
      template: {
        metadata: { labels: labels(spec, env?.name) },
        spec: {
          serviceAccountName: spec.name,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          ...(env?.antiAffinity ? { affinity: antiAffinity(spec) } : {}),
          containers: [
            {
              name: spec.name,
              image: `${spec.image}:${spec.tag}`,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                { name: 'http', containerPort: spec.port, protocol: 'TCP' },
              ],
              env: [
                { name: 'LOG_LEVEL', value: env?.logLevel ?? 'info' },
                ...secretEnv(spec),
              ],
              ...probes(),
              ...(env ? { resources: env.resources } : {}),
              securityContext: containerSecurityContext(),
              ...tmpVolumeMount,
            },
          ],
          volumes: tmpVolumes(),
        },
      },
    },
  });
}

export function migrationJob(
  m: Models,
  spec: ServiceSpec,
  env?: EnvironmentConfig,
) {
  const migration = spec.migration!;
  const env_ = secretEnv(spec);
  return new m.Job({
    metadata: {
      name: `${spec.name}-migrate`,
      labels: labels(spec, env?.name),
      annotations: {
        // A Sync hook in wave 1, not PreSync: every PreSync hook runs before any Sync-phase
        // resource, so on a first sync the wave-0 Secret it reads would not exist yet.
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        ...waveAnnotation(spec, '1'),
      },
    },
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels: labels(spec, env?.name) },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: spec.name,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          containers: [
            {
              name: 'migrate',
              image: `${migrationImage(spec)}:${migrationTag(spec)}`,
              command: migration.command,
              ...(env_.length ? { env: env_ } : {}),
              securityContext: containerSecurityContext(),
              ...tmpVolumeMount,
            },
          ],
          volumes: tmpVolumes(),
        },
      },
    },
  });
}

export function serviceAccount(m: Models, spec: ServiceSpec, env?: string) {
  return new m.ServiceAccount({
    metadata: objectMeta(spec, env, '0'),
    automountServiceAccountToken: false,
  });
}
