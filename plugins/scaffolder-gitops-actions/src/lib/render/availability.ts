/*
 * How many pods a service keeps: the PodDisruptionBudget and, where the environment's policy
 * has one, the HorizontalPodAutoscaler.
 */
import type { EnvironmentConfig, ServiceSpec } from '../input';
import type { Models } from '../models';
import { objectMeta, selectorLabels } from './metadata';

export function pdb(m: Models, spec: ServiceSpec, env?: string) {
  return new m.PodDisruptionBudget({
    metadata: objectMeta(spec, env, '2'),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(spec) },
    },
  });
}

/** The environment's HorizontalPodAutoscaler, or undefined when its policy has none. */
export function hpa(m: Models, spec: ServiceSpec, env: EnvironmentConfig) {
  if (!env.hpa) return undefined;
  return new m.HorizontalPodAutoscaler({
    metadata: objectMeta(spec, env.name, '2'),
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: spec.name,
      },
      minReplicas: env.hpa.min,
      maxReplicas: env.hpa.max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: {
              type: 'Utilization',
              averageUtilization: env.hpa.cpuPercent,
            },
          },
        },
      ],
    },
  });
}
