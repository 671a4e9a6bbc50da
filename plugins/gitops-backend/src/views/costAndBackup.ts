import type {
  EnvironmentBackup,
  EnvironmentCost,
} from '@internal/backstage-plugin-gitops-common';
import type {
  BackupClusterData,
  CostRow,
} from '@internal/backstage-plugin-gitops-node';
import {
  matchesLabelSelector,
  type SelectorRequirement,
} from '../entities/labelSelector';
import {
  costKey,
  type CostTotals,
  type GitopsStore,
} from '../store/GitopsStore';
import { computeBackup, scopeCovers } from '../sources/velero/rpo';
import { roundCents } from '../util/money';

/** The rows of an environment: in its namespaces, labelled as the entity (else all of them). */
export function rowsOf(
  rows: CostRow[],
  labelKey: string,
  costSelector: SelectorRequirement[],
): CostRow[] {
  const selector = costSelector.filter(r => r.key === labelKey);
  const labelled = rows.filter(
    r =>
      r.label !== undefined &&
      matchesLabelSelector(selector, { [labelKey]: r.label }),
  );
  return labelled.length ? labelled : rows;
}

/** The cost clusters holding an environment's namespaces (or the ones it is mapped to). */
export function costClustersOf(options: {
  store: GitopsStore;
  clusters: string[];
  window: string;
  namespaces: string[];
  explicit: Set<string>;
}): CostTotals[] {
  const { store, namespaces, explicit } = options;
  const totals = options.clusters
    .map(c => store.costs.get(costKey(c, options.window))?.data)
    .filter((t): t is CostTotals => Boolean(t));
  if (explicit.size > 0) return totals.filter(t => explicit.has(t.cluster));
  // No cluster mapping configured: the clusters whose allocations hold the namespaces.
  return totals.filter(t => namespaces.some(ns => t.byNamespace.has(ns)));
}

/** What an environment cost over the window, summed over its rows. */
export function costOf(options: {
  store: GitopsStore;
  clusters: string[];
  window: string;
  namespaces: string[];
  explicit: Set<string>;
  costSelector: SelectorRequirement[];
}): { value?: EnvironmentCost; clusters: Set<string> } {
  const clusters = new Set<string>();
  if (options.namespaces.length === 0) return { clusters };
  const rows: CostRow[] = [];
  let currency: string | undefined;
  for (const totals of costClustersOf(options)) {
    clusters.add(totals.cluster);
    currency ??= totals.currency;
    const inNamespaces = options.namespaces.flatMap(
      ns => totals.byNamespace.get(ns) ?? [],
    );
    rows.push(...rowsOf(inNamespaces, totals.labelKey, options.costSelector));
  }
  if (!currency) return { clusters };
  let effWeighted = 0;
  let effTotal = 0;
  const sum = { total: 0, cpu: 0, ram: 0, pv: 0, network: 0 };
  for (const r of rows) {
    sum.total += r.total;
    sum.cpu += r.cpu;
    sum.ram += r.ram;
    sum.pv += r.pv;
    sum.network += r.network;
    if (r.efficiencyWeighted !== undefined) {
      effWeighted += r.efficiencyWeighted;
      effTotal += r.total;
    }
  }
  return {
    clusters,
    value: {
      window: options.window,
      currency,
      total: roundCents(sum.total),
      cpu: roundCents(sum.cpu),
      ram: roundCents(sum.ram),
      pv: roundCents(sum.pv),
      network: roundCents(sum.network),
      ...(effTotal > 0
        ? { efficiency: Math.round((effWeighted / effTotal) * 1000) / 1000 }
        : {}),
    },
  };
}

/** The backup state of an environment, from the cluster its namespaces are backed up in. */
export function backupOf(options: {
  store: GitopsStore;
  clusters: string[];
  namespaces: string[];
  explicit: Set<string>;
  costClusters: Set<string>;
  now: Date;
  rpoTargetSeconds?: number;
}): EnvironmentBackup | undefined {
  const { namespaces, explicit, costClusters } = options;
  if (namespaces.length === 0) return undefined;
  const withData = options.clusters
    .map(name => ({ name, data: options.store.backups.get(name)?.data }))
    .filter((e): e is { name: string; data: BackupClusterData } =>
      Boolean(e.data),
    );
  const mentions = (data: BackupClusterData) =>
    [...data.schedules, ...data.backups].some(s =>
      namespaces.some(
        ns => s.includedNamespaces.includes(ns) && scopeCovers(s, ns),
      ),
    );
  const pick =
    (explicit.size && withData.find(e => explicit.has(e.name))) ||
    (!explicit.size && withData.find(e => mentions(e.data))) ||
    (!explicit.size && withData.find(e => costClusters.has(e.name))) ||
    (!explicit.size && withData.length === 1 ? withData[0] : undefined);
  if (!pick) return undefined;
  return computeBackup({
    data: pick.data,
    namespaces,
    now: options.now,
    rpoTargetSeconds: options.rpoTargetSeconds,
  });
}
