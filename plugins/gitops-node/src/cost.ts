/** Cost of one (namespace, cost label value) pair over a window, or over one day of it. @public */
export type CostRow = {
  namespace?: string;
  /** Value of the source's cost label (`labelKey`), when the allocation has it. */
  label?: string;
  /** The day (`YYYY-MM-DD`) of a daily row; absent in totals. */
  date?: string;
  cpu: number;
  ram: number;
  pv: number;
  network: number;
  total: number;
  /** totalEfficiency × total, to average efficiencies weighted by cost. */
  efficiencyWeighted?: number;
  /**
   * Set on a totals row of what the engine reports apart from workloads (no namespace): its
   * idle capacity (`__idle__`), or what it could not allocate to a cost label value
   * (`__unallocated__`). Shown apart on the estate's cost, never in a service's row.
   */
  apart?: 'idle' | 'unallocated';
};

/**
 * A cost engine of one cluster: Kubecost and OpenCost are built in; a backend module may add
 * another (`provider` says which). Totals are read on a slow schedule (allocation data has
 * hourly resolution at best); a daily trend only for the namespaces a card asks about.
 *
 * @public
 */
export interface CostSource {
  /** The engine, e.g. `kubecost` or `opencost`. */
  readonly provider: string;
  /** The cluster it reports on: its name among cost and backup sources. */
  readonly cluster: string;
  readonly currency: string;
  /** The label rows are split by (e.g. `app`). */
  readonly labelKey: string;
  readonly secrets?: string[];
  /** One row per (namespace, label value) over the window. */
  getTotals(options: {
    window: string;
    signal?: AbortSignal;
  }): Promise<CostRow[]>;
  /** One row per (namespace, label value, day) of those namespaces over the window. */
  getDaily(options: {
    window: string;
    namespaces: string[];
    signal?: AbortSignal;
  }): Promise<CostRow[]>;
}
