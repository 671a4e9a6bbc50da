import type { ResourceNode } from '@internal/backstage-plugin-gitops-common';
import { toHealthStatus, toSyncStatus } from './mapping';

type StatusResource = {
  group?: string | null;
  version?: string | null;
  kind: string;
  namespace?: string | null;
  name: string;
  status?: string | null;
  health?: { status?: string | null; message?: string | null } | null;
};
type TreeNode = StatusResource & {
  uid?: string | null;
  parentRefs?: Array<{ uid?: string | null }> | null;
};

const resourceKey = (r: StatusResource) =>
  `${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** Tree nodes with the sync status of `status.resources`, plus managed resources not in the tree. */
export function mergeResources(
  managed: StatusResource[],
  nodes: TreeNode[],
): ResourceNode[] {
  const byKey = new Map(managed.map(r => [resourceKey(r), r]));
  const out: ResourceNode[] = [];
  const seen = new Set<string>();
  const clean = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.entries(o).filter(([, v]) => v !== undefined && v !== null),
    ) as T;
  for (const node of nodes) {
    const key = resourceKey(node);
    seen.add(key);
    const m = byKey.get(key);
    const health = node.health ?? m?.health;
    out.push(
      clean({
        group: node.group ?? undefined,
        version: node.version ?? undefined,
        kind: node.kind,
        namespace: node.namespace ?? undefined,
        name: node.name,
        sync: m?.status ? toSyncStatus(m.status) : undefined,
        health: health?.status ? toHealthStatus(health.status) : undefined,
        healthMessage: health?.message ?? undefined,
        uid: node.uid ?? undefined,
        parentUids: node.parentRefs
          ?.map(p => p.uid)
          .filter((u): u is string => Boolean(u)),
      }),
    );
  }
  for (const m of managed) {
    if (seen.has(resourceKey(m))) continue;
    out.push(
      clean({
        group: m.group ?? undefined,
        version: m.version ?? undefined,
        kind: m.kind,
        namespace: m.namespace ?? undefined,
        name: m.name,
        sync: m.status ? toSyncStatus(m.status) : undefined,
        health: m.health?.status ? toHealthStatus(m.health.status) : undefined,
        healthMessage: m.health?.message ?? undefined,
      }),
    );
  }
  return out;
}
