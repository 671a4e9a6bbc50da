import type {
  CostRow,
  CostSource,
} from '@internal/backstage-plugin-gitops-node';
import type { CostClusterConfig } from '../../config';
import { UpstreamError } from '../../util/errors';
import { openStream } from '../../util/http';
import { JsonStreamError, parseJsonStream } from '../../util/jsonStream';
import { allocationSchema, type Allocation } from './allocationSchema';

const IDLE = new Set(['__idle__', '__unallocated__', '__unmounted__']);

const n = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? v : 0;

/** Sanitised label name as the cost engines use it in `aggregate=label:<k>`. */
export const sanitizeLabelKey = (key: string) =>
  key.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * Folds allocations aggregated by `namespace,label:<key>` into rows per (namespace, label
 * value), and per day when `daily` (one set per `step=1d`). Idle and unallocated are skipped
 * here; `apartRows` sums them per kind (what the estate shows apart).
 */
export class AllocationFolder {
  private readonly rows = new Map<string, CostRow>();
  private readonly apart = new Map<'idle' | 'unallocated', CostRow>();
  private readonly sanitized: string;

  constructor(
    private readonly labelKey: string,
    private readonly daily: boolean,
  ) {
    this.sanitized = sanitizeLabelKey(labelKey);
  }

  add(key: string, alloc: Allocation) {
    const [keyNs, ...rest] = key.split('/');
    const keyLabel = rest.join('/');
    if (key === '__idle__') {
      this.addApart('idle', alloc);
      return;
    }
    // Not allocated to a namespace or to a cost label value (e.g. kube-system's workloads).
    if (IDLE.has(keyNs) || IDLE.has(keyLabel)) {
      this.addApart('unallocated', alloc);
      if (IDLE.has(key)) return;
    }
    const namespace =
      alloc.properties?.namespace ?? (IDLE.has(keyNs) ? undefined : keyNs);
    const label =
      alloc.properties?.labels?.[this.sanitized] ??
      alloc.properties?.labels?.[this.labelKey] ??
      (keyLabel && !IDLE.has(keyLabel) ? keyLabel : undefined);
    const start = alloc.window?.start ?? alloc.start ?? undefined;
    const date = this.daily && start ? start.slice(0, 10) : undefined;
    const id = `${namespace ?? ''}\u0000${label ?? ''}\u0000${date ?? ''}`;
    let row = this.rows.get(id);
    if (!row) {
      row = {
        ...(namespace ? { namespace } : {}),
        ...(label ? { label } : {}),
        ...(date ? { date } : {}),
        cpu: 0,
        ram: 0,
        pv: 0,
        network: 0,
        total: 0,
      };
      this.rows.set(id, row);
    }
    addCosts(row, alloc);
  }

  result(): CostRow[] {
    return [...this.rows.values()];
  }

  /** Idle and unallocated over the whole answer, one row each (totals only, no namespace). */
  apartRows(): CostRow[] {
    return this.daily ? [] : [...this.apart.values()];
  }

  private addApart(kind: 'idle' | 'unallocated', alloc: Allocation) {
    if (this.daily) return;
    let row = this.apart.get(kind);
    if (!row) {
      row = { apart: kind, cpu: 0, ram: 0, pv: 0, network: 0, total: 0 };
      this.apart.set(kind, row);
    }
    addCosts(row, alloc);
  }
}

function addCosts(row: CostRow, alloc: Allocation) {
  const cpu = n(alloc.cpuCost) + n(alloc.cpuCostAdjustment) + n(alloc.gpuCost);
  const ram = n(alloc.ramCost) + n(alloc.ramCostAdjustment);
  const pv = n(alloc.pvCost) + n(alloc.pvCostAdjustment);
  const network =
    n(alloc.networkCost) +
    n(alloc.networkCostAdjustment) +
    n(alloc.loadBalancerCost);
  const total =
    alloc.totalCost !== null && alloc.totalCost !== undefined
      ? n(alloc.totalCost)
      : cpu + ram + pv + network + n(alloc.sharedCost) + n(alloc.externalCost);
  row.cpu += cpu;
  row.ram += ram;
  row.pv += pv;
  row.network += network;
  row.total += total;
  if (typeof alloc.totalEfficiency === 'number') {
    row.efficiencyWeighted =
      (row.efficiencyWeighted ?? 0) + alloc.totalEfficiency * total;
  }
}

/**
 * Allocation client of one cluster. Kubecost serves `GET /model/allocation`, OpenCost
 * `GET /allocation`; both take `window`, `aggregate`, `accumulate`, `step` and `filter` and
 * answer `{code, data: [ {<key>: Allocation} ]}`. Totals are one accumulated set; a daily trend
 * is asked for the namespaces of one entity only. Answers are read as they arrive (a totals
 * answer of a big cluster is tens of MB).
 */
export class AllocationCostClient implements CostSource {
  readonly provider: string;
  readonly cluster: string;
  readonly currency: string;
  readonly labelKey: string;

  constructor(
    private readonly config: CostClusterConfig,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {
    this.provider = config.type;
    this.cluster = config.name;
    this.currency = config.currency;
    this.labelKey = config.labelKey;
  }

  get secrets() {
    return this.config.token ? [this.config.token] : [];
  }

  private get path() {
    return this.config.type === 'kubecost'
      ? '/model/allocation'
      : '/allocation';
  }

  getTotals(options: { window: string; signal?: AbortSignal }) {
    return this.query(
      {
        window: options.window,
        aggregate: `namespace,label:${sanitizeLabelKey(this.labelKey)}`,
        accumulate: 'true',
        // Kubecost reports idle by default, OpenCost on request: the estate shows it apart.
        ...(this.config.type === 'opencost' ? { includeIdle: 'true' } : {}),
      },
      false,
      options.signal,
    );
  }

  getDaily(options: {
    window: string;
    namespaces: string[];
    signal?: AbortSignal;
  }) {
    if (options.namespaces.length === 0) return Promise.resolve([]);
    const quoted = options.namespaces
      .map(ns => `"${ns.replace(/["\\]/g, '')}"`)
      .join(',');
    return this.query(
      {
        window: options.window,
        aggregate: `namespace,label:${sanitizeLabelKey(this.labelKey)}`,
        accumulate: 'false',
        step: '1d',
        filter: `namespace:${quoted}`,
      },
      true,
      options.signal,
    );
  }

  private async query(
    params: Record<string, string>,
    daily: boolean,
    signal?: AbortSignal,
  ): Promise<CostRow[]> {
    const where = `GET ${this.path}`;
    const timeoutMs = this.config.timeoutMs ?? 30_000;
    const body = await openStream(
      `${this.config.url.replace(/\/+$/, '')}${this.path}?${new URLSearchParams(
        params,
      )}`,
      {
        headers: {
          accept: 'application/json',
          ...(this.config.token
            ? { authorization: `Bearer ${this.config.token}` }
            : {}),
        },
        connectTimeoutMs: timeoutMs,
        idleTimeoutMs: timeoutMs,
        signal,
        secrets: this.secrets,
        fetchFn: this.fetchFn,
      },
    );
    const folder = new AllocationFolder(this.labelKey, daily);
    let rest: Record<string, unknown>;
    try {
      ({ rest } = await parseJsonStream(body, ['data', '*', '*'], item => {
        if (item.value === null) return;
        const parsed = allocationSchema.safeParse(item.value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new UpstreamError(
            `${where} answered an unexpected shape at ${item.path.join('.')}.${
              issue?.path.join('.') ?? ''
            }: ${issue?.message ?? 'invalid'}`,
            200,
            'malformed',
          );
        }
        folder.add(item.path[2], parsed.data);
      }));
    } catch (error) {
      if (error instanceof JsonStreamError) {
        throw new UpstreamError(
          `${where} answered malformed JSON: ${error.message}`,
          200,
          'malformed',
        );
      }
      throw error;
    }
    const code = rest.code;
    if (typeof code === 'number' && code !== 200) {
      throw new UpstreamError(`${where} answered code ${code}`, code);
    }
    return [...folder.result(), ...folder.apartRows()];
  }
}
