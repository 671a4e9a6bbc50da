import type { AppRecord, ArgoInstanceData } from '../argocd/types';
import type { EntityIndex } from '../overview/EntityIndex';
import { appBelongsTo, type WorkloadSpec } from '../overview/workloads';
import type { SnapshotChange } from './SnapshotStore';

const signatures = new WeakMap<AppRecord, string>();

/**
 * What makes an application look different on the page (not its reconcile time); kept per
 * record, so each snapshot's records are serialised once, not on every comparison.
 */
const signature = (app: AppRecord) => {
  let s = signatures.get(app);
  if (s === undefined) {
    s = JSON.stringify({
      ...app,
      reconciledAt: undefined,
      resourceVersion: undefined,
    });
    signatures.set(app, s);
  }
  return s;
};

/** Applications that differ between two instance snapshots (added, changed or removed). */
export function changedApps(
  previous: ArgoInstanceData | undefined,
  next: ArgoInstanceData | undefined,
): AppRecord[] {
  const before = new Map((previous?.applications ?? []).map(a => [a.name, a]));
  const after = new Map((next?.applications ?? []).map(a => [a.name, a]));
  const changed: AppRecord[] = [];
  for (const [name, app] of after) {
    const old = before.get(name);
    if (!old || signature(old) !== signature(app)) changed.push(app);
  }
  for (const [name, app] of before) {
    if (!after.has(name)) changed.push(app);
  }
  return changed;
}

/**
 * Entities (refs) whose overview a snapshot change affects: entities viewed here that showed the
 * changed applications or the source, plus annotated catalog entities the changed applications
 * belong to. Cost data drifts with its rolling window on every refresh, so cost sources only
 * signal when they fail or recover.
 */
export function affectedEntities(
  change: SnapshotChange<unknown>,
  index: EntityIndex,
  annotated: WorkloadSpec[] = [],
): string[] {
  const refs = new Set<string>();
  const { previous, next } = change;
  const sourceKey = `${change.kind}:${change.name}`;
  const statusChanged =
    !previous ||
    Boolean(previous.error) !== Boolean(next.error) ||
    (previous.data === undefined) !== (next.data === undefined);
  if (statusChanged) {
    index.entitiesOfSource(sourceKey).forEach(r => refs.add(r));
  }
  if (change.kind === 'argocd') {
    const apps = changedApps(
      previous?.data as ArgoInstanceData | undefined,
      next.data as ArgoInstanceData | undefined,
    );
    for (const app of apps) {
      index
        .entitiesOfApp(`${app.instance}/${app.name}`)
        .forEach(r => refs.add(r));
      for (const spec of annotated) {
        if (appBelongsTo(spec, app)) {
          refs.add(spec.entityRef.toLocaleLowerCase('en-US'));
        }
      }
    }
  } else if (
    change.kind !== 'cost' &&
    JSON.stringify(previous?.data) !== JSON.stringify(next.data)
  ) {
    index.entitiesOfSource(sourceKey).forEach(r => refs.add(r));
  }
  return [...refs];
}
