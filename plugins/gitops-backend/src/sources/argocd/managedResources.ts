import type { ManagedResource } from '@internal/backstage-plugin-gitops-node';
import type { z } from 'zod';
import type { argoManagedResourcesSchema } from './schemas';

type ArgoResourceDiff = NonNullable<
  z.infer<typeof argoManagedResourcesSchema>['items']
>[number];

/**
 * A state string of Argo CD (a JSON document, `"null"` or empty for none) as an object. One
 * that isn't JSON is an error naming the resource and the field: read as "not live" it would
 * show a create that isn't one.
 */
function state(
  item: ArgoResourceDiff,
  field:
    | 'targetState'
    | 'liveState'
    | 'normalizedLiveState'
    | 'predictedLiveState',
): Record<string, unknown> | null {
  const json = item[field];
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(
      `Argo CD answered a ${field} of ${item.kind} ${item.name} that is not valid JSON`,
    );
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
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
    desired: state(item, 'predictedLiveState') ?? state(item, 'targetState'),
    live: state(item, 'normalizedLiveState') ?? state(item, 'liveState'),
  };
}
