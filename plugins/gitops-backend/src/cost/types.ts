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

/** A cost engine of one cluster (Kubecost, OpenCost, or another one a module adds). */
export interface CostClient {
  readonly cluster: string;
  getAllocations(options: {
    window: string;
    signal?: AbortSignal;
  }): Promise<CostClusterData>;
}
