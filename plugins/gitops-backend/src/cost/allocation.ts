import { z } from 'zod';
import type { CostClusterConfig } from '../config';
import { UpstreamError } from '../util/errors';
import { fetchJson } from '../util/http';
import type { CostClient, CostClusterData, CostRow } from './types';

const num = z.number().nullish();

/** The parts of an OpenCost / Kubecost `Allocation` we read (see contracts/opencost). */
const allocationSchema = z
  .object({
    name: z.string().nullish(),
    properties: z
      .object({
        cluster: z.string().nullish(),
        namespace: z.string().nullish(),
        labels: z.record(z.string(), z.string()).nullish(),
      })
      .loose()
      .nullish(),
    window: z
      .object({ start: z.string().nullish(), end: z.string().nullish() })
      .loose()
      .nullish(),
    start: z.string().nullish(),
    end: z.string().nullish(),
    cpuCost: num,
    cpuCostAdjustment: num,
    gpuCost: num,
    ramCost: num,
    ramCostAdjustment: num,
    pvCost: num,
    pvCostAdjustment: num,
    networkCost: num,
    networkCostAdjustment: num,
    loadBalancerCost: num,
    sharedCost: num,
    externalCost: num,
    totalCost: num,
    totalEfficiency: num,
  })
  .loose();

export const allocationResponseSchema = z
  .object({
    code: z.number().nullish(),
    status: z.string().nullish(),
    message: z.string().nullish(),
    data: z
      .array(z.record(z.string(), allocationSchema.nullable()).nullable())
      .nullish(),
  })
  .loose();

const IDLE = new Set(['__idle__', '__unallocated__', '__unmounted__']);

const n = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? v : 0;

/** Sanitised label name as the cost engines use it in `aggregate=label:<k>`. */
export const sanitizeLabelKey = (key: string) =>
  key.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * Folds an allocation answer aggregated by `namespace,label:<key>` (one set per day) into rows
 * per (namespace, label value).
 */
export function foldAllocations(
  body: z.infer<typeof allocationResponseSchema>,
  labelKey: string,
): CostRow[] {
  const rows = new Map<string, CostRow>();
  const sanitized = sanitizeLabelKey(labelKey);
  for (const set of body.data ?? []) {
    for (const [key, alloc] of Object.entries(set ?? {})) {
      if (!alloc || IDLE.has(key)) continue;
      const [keyNs, ...rest] = key.split('/');
      const keyLabel = rest.join('/');
      const namespace =
        alloc.properties?.namespace ?? (IDLE.has(keyNs) ? undefined : keyNs);
      const labelValue =
        alloc.properties?.labels?.[sanitized] ??
        alloc.properties?.labels?.[labelKey] ??
        (keyLabel && !IDLE.has(keyLabel) ? keyLabel : undefined);
      const id = `${namespace ?? ''}\u0000${labelValue ?? ''}`;
      let row = rows.get(id);
      if (!row) {
        row = {
          namespace: namespace || undefined,
          label: labelValue || undefined,
          cpu: 0,
          ram: 0,
          pv: 0,
          network: 0,
          total: 0,
          daily: {},
        };
        rows.set(id, row);
      }
      const cpu =
        n(alloc.cpuCost) + n(alloc.cpuCostAdjustment) + n(alloc.gpuCost);
      const ram = n(alloc.ramCost) + n(alloc.ramCostAdjustment);
      const pv = n(alloc.pvCost) + n(alloc.pvCostAdjustment);
      const network =
        n(alloc.networkCost) +
        n(alloc.networkCostAdjustment) +
        n(alloc.loadBalancerCost);
      const total =
        alloc.totalCost !== null && alloc.totalCost !== undefined
          ? n(alloc.totalCost)
          : cpu +
            ram +
            pv +
            network +
            n(alloc.sharedCost) +
            n(alloc.externalCost);
      row.cpu += cpu;
      row.ram += ram;
      row.pv += pv;
      row.network += network;
      row.total += total;
      if (typeof alloc.totalEfficiency === 'number') {
        row.efficiencyWeighted =
          (row.efficiencyWeighted ?? 0) + alloc.totalEfficiency * total;
      }
      const start = alloc.window?.start ?? alloc.start;
      if (start) {
        const date = start.slice(0, 10);
        row.daily[date] = (row.daily[date] ?? 0) + total;
      }
    }
  }
  return [...rows.values()];
}

/**
 * Allocation client of one cluster. Kubecost serves `GET /model/allocation`, OpenCost
 * `GET /allocation`; both take `window`, `aggregate`, `accumulate`, `step` and answer
 * `{code, data: [ {<key>: Allocation} ]}`.
 */
export class AllocationCostClient implements CostClient {
  readonly cluster: string;

  constructor(
    private readonly config: CostClusterConfig,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {
    this.cluster = config.name;
  }

  private get path() {
    return this.config.type === 'kubecost'
      ? '/model/allocation'
      : '/allocation';
  }

  async getAllocations(options: {
    window: string;
    signal?: AbortSignal;
  }): Promise<CostClusterData> {
    const query = new URLSearchParams({
      window: options.window,
      aggregate: `namespace,label:${sanitizeLabelKey(this.config.labelKey)}`,
      accumulate: 'false',
      step: '1d',
    });
    const { body } = await fetchJson(
      `${this.config.url.replace(/\/+$/, '')}${this.path}?${query}`,
      {
        timeoutMs: this.config.timeoutMs ?? 10_000,
        signal: options.signal,
        headers: this.config.token
          ? { authorization: `Bearer ${this.config.token}` }
          : {},
        secrets: this.config.token ? [this.config.token] : [],
        fetchFn: this.fetchFn,
      },
    );
    const parsed = allocationResponseSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UpstreamError(
        `GET ${this.path} answered an unexpected shape at ${
          issue?.path.join('.') || '(root)'
        }: ${issue?.message ?? 'invalid'}`,
        200,
        'malformed',
      );
    }
    if (
      parsed.data.code !== undefined &&
      parsed.data.code !== null &&
      parsed.data.code !== 200
    ) {
      throw new UpstreamError(
        `GET ${this.path} answered code ${parsed.data.code}`,
        parsed.data.code,
      );
    }
    return {
      window: options.window,
      currency: this.config.currency,
      labelKey: this.config.labelKey,
      rows: foldAllocations(parsed.data, this.config.labelKey),
    };
  }
}
