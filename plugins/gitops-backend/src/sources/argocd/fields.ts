/**
 * What we ask Argo CD for. A list's `fields` only select keys of the server's hand-kept map
 * (`appFields` in argo-cd's `pkg/apiclient/application/forwarder_overwrite.go`): no history, no
 * per-item resourceVersion. `items.spec` is there in every version (its sub-keys only since
 * 3.5). The stream projects any JSON path, so its events carry history and resourceVersion.
 */
export const LIST_FIELDS = [
  'metadata.resourceVersion',
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.spec',
  'items.status.sync.status',
  'items.status.sync.revision',
  'items.status.health',
  'items.status.summary',
  'items.status.operationState.phase',
  'items.status.operationState.startedAt',
  'items.status.operationState.finishedAt',
];

const APPLICATION_WATCH_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.labels',
  // Orders events (out-of-order and duplicate events are dropped by it).
  'metadata.resourceVersion',
  'spec.project',
  'spec.source',
  'spec.sources',
  'spec.destination',
  'spec.syncPolicy',
  'status.sync.status',
  'status.sync.revision',
  'status.health',
  'status.summary',
  'status.history',
  'status.operationState.phase',
  'status.operationState.message',
  'status.operationState.startedAt',
  'status.operationState.finishedAt',
  'status.operationState.operation.initiatedBy',
  'status.operationState.operation.sync.revision',
  'status.operationState.operation.rollback',
  'status.operationState.syncResult.revision',
  // The phases and hooks of a sync (kept only for the applications the pages show).
  'status.operationState.syncResult.resources',
  'status.operationState.retryCount',
  'status.operationState.operation.retry.limit',
];

export const WATCH_FIELDS = [
  'result.type',
  ...APPLICATION_WATCH_FIELDS.map(f => `result.application.${f}`),
];
