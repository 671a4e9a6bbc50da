/*
 * Labels and sync-wave annotations shared by every generated object, so the selector, the
 * cost-allocation labels and the waves are spelled once.
 */
import type { ServiceSpec } from '../input';

const WAVE = 'argocd.argoproj.io/sync-wave';

export const selectorLabels = (spec: ServiceSpec) => ({
  'app.kubernetes.io/name': spec.name,
});

/** Labels of every object: selector label plus the cost-allocation labels. */
export function labels(
  spec: ServiceSpec,
  env?: string,
): Record<string, string> {
  return {
    ...selectorLabels(spec),
    app: spec.app,
    team: spec.team,
    ...(env ? { environment: env } : {}),
  };
}

/** The sync-wave annotation, when sync waves are on. */
export function waveAnnotation(
  spec: ServiceSpec,
  value: string,
): Record<string, string> {
  return spec.syncWaves ? { [WAVE]: value } : {};
}

export function wave(spec: ServiceSpec, value: string) {
  return spec.syncWaves ? { annotations: waveAnnotation(spec, value) } : {};
}

/** Metadata of an object named after the service: name, labels and sync wave. */
export function objectMeta(
  spec: ServiceSpec,
  env: string | undefined,
  waveValue: string,
) {
  return {
    name: spec.name,
    labels: labels(spec, env),
    ...wave(spec, waveValue),
  };
}
