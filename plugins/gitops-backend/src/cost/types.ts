/** Cost of one (namespace, label value) pair of a cluster over the window. */
export type CostRow = {
  namespace?: string;
  /** Value of the cluster's `labelKey` label, when the allocation has it. */
  label?: string;
  cpu: number;
  ram: number;
  pv: number;
  network: number;
  total: number;
  /** totalEfficiency × total, to average efficiencies weighted by cost. */
  efficiencyWeighted?: number;
  /** Total per day (`YYYY-MM-DD`). */
  daily: Record<string, number>;
};

/** What one cost source holds, as fetched by one allocation query. */
export type CostClusterData = {
  window: string;
  currency: string;
  labelKey: string;
  rows: CostRow[];
};

/**
 * The snapshot source of a cluster's allocations over a window: the default window keeps the
 * cluster's name, others get `@<window>` (e.g. `cluster-main@30d`).
 */
export function costSourceName(
  cluster: string,
  window: string,
  defaultWindow: string,
): string {
  return window === defaultWindow ? cluster : `${cluster}@${window}`;
}

/** The cluster and window of a cost source name. */
export function parseCostSourceName(
  name: string,
  defaultWindow: string,
): { cluster: string; window: string } {
  const at = name.lastIndexOf('@');
  return at === -1
    ? { cluster: name, window: defaultWindow }
    : { cluster: name.slice(0, at), window: name.slice(at + 1) };
}

/** A cost engine of one cluster (Kubecost, OpenCost, or another one a module adds). */
export interface CostClient {
  readonly cluster: string;
  getAllocations(options: {
    window: string;
    signal?: AbortSignal;
  }): Promise<CostClusterData>;
}
