import type {
  BackupClusterData,
  CostRow,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import type {
  SourceKind,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import { AppStore } from './AppStore';
import { interned } from './intern';
import { SourceDataStore, type SourceEntry } from './SourceDataStore';

/** A cost source's totals over one window, indexed by namespace. */
export type CostTotals = {
  cluster: string;
  window: string;
  currency: string;
  labelKey: string;
  byNamespace: Map<string, CostRow[]>;
  /** What the engine reported apart from workloads (idle capacity, unallocated), when it did. */
  apart?: { idle?: number; unallocated?: number };
};

export const costKey = (cluster: string, window: string) =>
  `${cluster}@${window}`;

export function costTotals(
  base: Omit<CostTotals, 'byNamespace' | 'apart'>,
  rows: CostRow[],
): CostTotals {
  const byNamespace = new Map<string, CostRow[]>();
  let apart: CostTotals['apart'];
  for (const row of rows) {
    if (row.apart) {
      apart ??= {};
      apart[row.apart] = (apart[row.apart] ?? 0) + row.total;
      continue;
    }
    if (!row.namespace) continue;
    let list = byNamespace.get(row.namespace);
    if (!list) byNamespace.set(interned(row.namespace), (list = []));
    list.push(compactRow(row));
  }
  // Most namespaces have one row; an array grown by push keeps room for 16.
  for (const [namespace, list] of byNamespace) {
    byNamespace.set(namespace, list.slice());
  }
  return { ...base, byNamespace, ...(apart ? { apart } : {}) };
}

/**
 * A row in one fixed shape, its strings shared. Rows built field by field (as a source folds
 * allocations) keep their properties out of the object, ~400 bytes a row: at 50,000 workloads
 * and two windows that was 40 MB.
 */
function compactRow(row: CostRow): CostRow {
  return {
    namespace:
      row.namespace === undefined ? undefined : interned(row.namespace),
    label: row.label === undefined ? undefined : interned(row.label),
    date: row.date,
    cpu: row.cpu,
    ram: row.ram,
    pv: row.pv,
    network: row.network,
    total: row.total,
    efficiencyWeighted: row.efficiencyWeighted,
  };
}

/**
 * Everything the plugin knows of the fleet, in memory: the applications of every deployment
 * source, the cost totals of every cost source and window, the backups of every cluster, and
 * how each feed stands. Views are computed from it; nothing here asks an upstream.
 */
export class GitopsStore {
  readonly apps: AppStore;
  readonly costs: SourceDataStore<CostTotals>;
  readonly backups: SourceDataStore<BackupClusterData>;
  /** Deployment sources by name (their web URLs, and the calls a person's action needs). */
  readonly deployments = new Map<string, DeploymentSource>();

  constructor(now: () => Date) {
    this.apps = new AppStore(now);
    this.costs = new SourceDataStore(now);
    this.backups = new SourceDataStore(now);
  }

  /** How a deployment source's feed stands, for an answer's `sources`. */
  deploymentStatus(name: string): SourceStatus {
    const status = this.apps.status(name);
    const provider = this.deployments.get(name)?.provider ?? 'argocd';
    if (!status) {
      return {
        kind: 'deployment',
        provider,
        name,
        status: 'error',
        error: 'not read yet',
      };
    }
    return {
      kind: 'deployment',
      provider,
      name,
      status: status.state,
      ...(status.state !== 'ok'
        ? { fetchedAt: status.since.toISOString() }
        : {}),
      ...(status.error ? { error: status.error } : {}),
    };
  }

  static entryStatus(
    kind: SourceKind,
    provider: string,
    name: string,
    entry: SourceEntry<unknown> | undefined,
  ): SourceStatus {
    if (!entry) {
      return { kind, provider, name, status: 'error', error: 'not configured' };
    }
    return {
      kind,
      provider,
      name,
      status: entry.state,
      // When live, the time would change every view on every update: shown only when behind.
      ...(entry.fetchedAt && entry.state !== 'ok'
        ? { fetchedAt: entry.fetchedAt.toISOString() }
        : {}),
      ...(entry.error ? { error: entry.error } : {}),
    };
  }
}
