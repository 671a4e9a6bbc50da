import type { ManagedResource } from '@internal/backstage-plugin-gitops-node';
import type { z } from 'zod';
import type { argoManagedResourcesSchema } from './schemas';

type ArgoResourceDiff = NonNullable<
  z.infer<typeof argoManagedResourcesSchema>['items']
>[number];

/** A state string of Argo CD (a JSON document, `"null"` or empty for none) as an object. */
function state(
  json: string | null | undefined,
): Record<string, unknown> | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? value
      : null;
  } catch {
    return null;
  }
}

/**
 * One managed resource as the diff needs it. The normalized states come first, as Argo CD's own
 * diff view compares them: `ignoreDifferences` applied, defaults the cluster added on both sides.
 */
export function toManagedResource(item: ArgoResourceDiff): ManagedResource {
  return {
    ...(item.group ? { group: item.group } : {}),
    kind: item.kind,
    ...(item.namespace ? { namespace: item.namespace } : {}),
    name: item.name,
    ...(item.hook ? { hook: true } : {}),
    desired: state(item.predictedLiveState) ?? state(item.targetState),
    live: state(item.normalizedLiveState) ?? state(item.liveState),
  };
}
