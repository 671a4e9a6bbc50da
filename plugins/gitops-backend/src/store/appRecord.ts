import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { createHash } from 'node:crypto';
import { interned } from './intern';

/**
 * What of an application the pages show (everything but its resourceVersion), as a digest: the
 * store keeps one per application, and the JSON itself would be about a fifth of its memory.
 */
export function appSignature(app: DeploymentApp): string {
  const { resourceVersion: _rv, ...rest } = app;
  return createHash('sha1').update(JSON.stringify(rest)).digest('base64');
}

/**
 * What a summary record (no `history`: a projected list) carries: no history and no operation
 * details either (sync or rollback, who started it, its message, its revision).
 */
export function summarySignature(app: DeploymentApp): string {
  const { resourceVersion: _rv, history: _h, operation, ...rest } = app;
  return JSON.stringify({
    ...rest,
    operation: operation && {
      phase: operation.phase,
      startedAt: operation.startedAt,
      finishedAt: operation.finishedAt,
    },
  });
}

/**
 * The record without what the store keeps only for the applications the pages show: the
 * history and a sync's tasks.
 */
export function withoutDetails(app: DeploymentApp): DeploymentApp {
  if (app.history === undefined && !app.operation?.tasks) return app;
  const { tasks: _tasks, ...operation } = app.operation ?? {};
  return {
    ...app,
    history: undefined,
    ...(app.operation ? { operation: operation as typeof app.operation } : {}),
  };
}

/** Shares the strings thousands of applications repeat (label keys and values, repo URLs, ...). */
export function compact(app: DeploymentApp): DeploymentApp {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(app.labels)) {
    labels[interned(k)] = interned(v);
  }
  return {
    ...app,
    instance: interned(app.instance),
    ...(app.namespace ? { namespace: interned(app.namespace) } : {}),
    ...(app.project ? { project: interned(app.project) } : {}),
    labels,
    ...(app.destination
      ? {
          destination: {
            ...(app.destination.server
              ? { server: interned(app.destination.server) }
              : {}),
            ...(app.destination.namespace
              ? { namespace: app.destination.namespace }
              : {}),
            ...(app.destination.name
              ? { name: interned(app.destination.name) }
              : {}),
          },
        }
      : {}),
    ...(app.repoURL ? { repoURL: interned(app.repoURL) } : {}),
    // Applications of one repository deploy the same few commits and images.
    ...(app.syncRevision ? { syncRevision: interned(app.syncRevision) } : {}),
    images: app.images.map(interned),
  };
}
