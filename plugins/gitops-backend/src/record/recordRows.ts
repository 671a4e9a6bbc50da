import type { HealthStatus } from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  DeploymentHistoryRecord,
} from '@internal/backstage-plugin-gitops-node';
import { createHash } from 'node:crypto';
import { appKey } from '../store/AppStore';

/** One deployment, or one failed sync, of an application, as the record stores it. */
export type DeploymentRow = {
  key: string;
  appKey: string;
  instance: string;
  appNamespace: string;
  application: string;
  environment: string;
  revision: string;
  images: string[];
  startedAt?: string;
  finishedAt: string;
  initiatedBy?: string;
  result: 'Succeeded' | 'Failed' | 'Error';
  /** `rollback` when the engine's operation was a rollback (known for the newest entry). */
  operation?: 'sync' | 'rollback';
  historyId?: number;
  promotionId?: string;
  /** Commit time of the revision. */
  commitAt?: string;
};

/** A health change of a production application (`previous` undefined: first seen). */
export type HealthRow = {
  key: string;
  appKey: string;
  environment: string;
  health: HealthStatus;
  previous?: HealthStatus;
  at: string;
};

const iso = (value: string) => {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
};

const digest = (parts: Array<string | number>) =>
  createHash('sha1').update(parts.join('\u0000')).digest('hex');

/**
 * The key of a history entry. Ids restart at 0 when an application is deleted and created
 * again, so the id alone is no key: with the finish time it is, and it is the same on every
 * replica and every replay of the stream.
 */
export const historyKey = (
  app: Pick<DeploymentApp, 'instance' | 'name' | 'namespace'>,
  h: Pick<DeploymentHistoryRecord, 'id' | 'deployedAt' | 'revision'>,
) =>
  digest([
    'history',
    appKey(app),
    h.id,
    (h.deployedAt && iso(h.deployedAt)) ?? h.revision,
  ]);

/**
 * The deployments an application's record shows now: each entry of its history (Succeeded),
 * and its last operation when that failed or errored (a failed sync is in no history).
 */
export function deploymentRows(
  app: DeploymentApp,
  environment: string,
): DeploymentRow[] {
  const base = {
    appKey: appKey(app),
    instance: app.instance,
    appNamespace: app.namespace ?? '',
    application: app.name,
    environment,
  };
  const rows: DeploymentRow[] = [];
  const history = app.history ?? [];
  const last = history[history.length - 1];
  const op = app.operation;
  for (const h of history) {
    const finishedAt = h.deployedAt && iso(h.deployedAt);
    if (!finishedAt) continue;
    // The operation that made the newest entry says whether it was a rollback.
    const madeIt =
      h === last &&
      op?.phase === 'Succeeded' &&
      (!op.revision || op.revision === h.revision);
    const startedAt = h.deployStartedAt && iso(h.deployStartedAt);
    rows.push({
      ...base,
      key: historyKey(app, h),
      revision: h.revision,
      images: h.images ?? (h === last ? app.images : []),
      ...(startedAt ? { startedAt } : {}),
      finishedAt,
      ...(h.initiatedBy ? { initiatedBy: h.initiatedBy } : {}),
      result: 'Succeeded',
      ...(madeIt ? { operation: op.kind } : {}),
      historyId: h.id,
    });
  }
  if (op && (op.phase === 'Failed' || op.phase === 'Error')) {
    const finishedAt = op.finishedAt && iso(op.finishedAt);
    const startedAt = op.startedAt && iso(op.startedAt);
    // A retried operation keeps its start: one failure however often it is seen.
    if (finishedAt) {
      rows.push({
        ...base,
        key: digest(['failed', appKey(app), startedAt ?? finishedAt]),
        revision: op.revision ?? app.syncRevision ?? '',
        images: app.images,
        ...(startedAt ? { startedAt } : {}),
        finishedAt,
        ...(op.initiatedBy ? { initiatedBy: op.initiatedBy } : {}),
        result: op.phase,
        operation: op.kind,
      });
    }
  }
  return rows;
}

/** The health row of a change of a production application's health. */
export function healthRow(
  app: DeploymentApp,
  environment: string,
  previous: HealthStatus | undefined,
  at: Date,
): HealthRow {
  const key = appKey(app);
  return {
    key: digest([
      'health',
      key,
      app.resourceVersion ?? at.toISOString(),
      app.health,
    ]),
    appKey: key,
    environment,
    health: app.health,
    ...(previous ? { previous } : {}),
    at: at.toISOString(),
  };
}
