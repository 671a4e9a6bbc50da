/*
 * The Velero `Schedule` backing up an environment's namespace. A plain object: there is no
 * kubernetes-models class for Velero, so it is checked against the vendored CRD schema only.
 */
import type { EnvironmentConfig, ServiceSpec } from '../input';
import { namespaceOf } from './naming';

/** The environment's Schedule, or undefined when its policy has no backup. */
export function veleroSchedule(spec: ServiceSpec, env: EnvironmentConfig) {
  if (!env.backup) return undefined;
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: {
      name: `${spec.name}-${env.name}`,
      namespace: 'velero',
      labels: { app: spec.app, team: spec.team, environment: env.name },
    },
    spec: {
      schedule: env.backup.schedule,
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [namespaceOf(spec.name, env.name)],
        ttl: env.backup.ttl,
        snapshotVolumes: true,
      },
    },
  };
}
