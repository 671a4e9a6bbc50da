/*
 * Pod and container settings shared by the Deployment, the migration Job, the Kustomize
 * overlay patch and the Helm values: security contexts, probes, rollout, anti-affinity, the
 * writable /tmp and the secret environment variables.
 */
import type { ServiceSpec } from '../input';
import { selectorLabels } from './metadata';
import { secretName } from './naming';

const UID = 1000;

export function podSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: UID,
    runAsGroup: UID,
    fsGroup: UID,
    seccompProfile: { type: 'RuntimeDefault' as const },
  };
}

export function containerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: UID,
    capabilities: { drop: ['ALL'] },
  };
}

/** One env var per secret key, read from the service's Secret. */
export function secretEnv(spec: ServiceSpec) {
  return (spec.secrets?.keys ?? []).map(key => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secretName(spec), key } },
  }));
}

export function probes() {
  return {
    readinessProbe: {
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    },
    livenessProbe: {
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 15,
      periodSeconds: 20,
    },
  };
}

export const STRATEGY = {
  type: 'RollingUpdate' as const,
  rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
};

export function antiAffinity(spec: ServiceSpec) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: selectorLabels(spec) },
          },
        },
      ],
    },
  };
}

/** The container's mount of the writable /tmp (the root filesystem is read-only). */
export const tmpVolumeMount = {
  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
};

/** The pod's `emptyDir` behind {@link tmpVolumeMount}. */
export function tmpVolumes() {
  return [{ name: 'tmp', emptyDir: {} }];
}
