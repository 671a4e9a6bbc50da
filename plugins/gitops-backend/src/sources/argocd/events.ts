import type { AppEvent } from '@internal/backstage-plugin-gitops-common';
import type { z } from 'zod';
import type { argoEventListSchema } from './schemas';

type ArgoEvent = NonNullable<
  z.infer<typeof argoEventListSchema>['items']
>[number];

/** A Kubernetes Event as the pages show it: what, how often, when first and last. */
export function toAppEvent(e: ArgoEvent): AppEvent {
  const last =
    e.lastTimestamp ??
    e.eventTime ??
    e.metadata?.creationTimestamp ??
    undefined;
  const object =
    e.involvedObject?.kind && e.involvedObject.name
      ? `${e.involvedObject.kind}/${e.involvedObject.name}`
      : undefined;
  return {
    type: e.type ?? 'Normal',
    ...(e.reason ? { reason: e.reason } : {}),
    message: e.message ?? '',
    count: e.count && e.count > 0 ? e.count : 1,
    ...(e.firstTimestamp ? { firstSeen: e.firstTimestamp } : {}),
    ...(last ? { lastSeen: last } : {}),
    ...(object ? { object } : {}),
  };
}
