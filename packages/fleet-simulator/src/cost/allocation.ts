import { mixHash, unitHash } from '../util/random';
import { Workload, podName, sanitizeLabel } from './workloads';

/** List prices (USD) close to a typical cloud on-demand node. */
export const PRICES = {
  cpuHour: 0.031611,
  ramGiBHour: 0.004237,
  pvGiBHour: 0.04 / 730,
  networkGiB: 0.01,
};
const GiB = 1024 ** 3;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export type Allocation = Record<string, any>;

const r5 = (n: number) => Math.round(n * 1e5) / 1e5;
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Costs of one workload over [start, end): requests × replicas × prices, usage varies per day. */
export function workloadAllocation(
  w: Workload,
  start: number,
  end: number,
  seed: number,
  windowEnd = end,
  fr = frame(start, end, windowEnd),
): Allocation {
  let cpuH = 0;
  let cpuUseH = 0;
  let ramH = 0;
  let ramUseH = 0;
  let net = 0;
  const base = Math.floor(
    unitHash(seed, w.cluster, w.namespace, w.controller) * 0x100000000,
  );
  for (let day = Math.floor(start / DAY) * DAY; day < end; day += DAY) {
    const h = (Math.min(end, day + DAY) - Math.max(start, day)) / HOUR;
    if (h <= 0) continue;
    const d = day / DAY;
    const cpuU = 0.15 + 0.6 * mixHash(base, d, 1);
    const ramU = 0.45 + 0.5 * mixHash(base, d, 2);
    cpuH += w.replicas * w.cpuCores * h;
    cpuUseH += w.replicas * w.cpuCores * cpuU * h;
    ramH += w.replicas * w.ramBytes * h;
    ramUseH += w.replicas * w.ramBytes * ramU * h;
    net += w.replicas * h * 40e6 * (0.5 + mixHash(base, d, 3));
  }
  const hours = Math.max((end - start) / HOUR, 1e-9);
  const pvByteHours = w.pvBytes * hours;
  const cpuCost = cpuH * PRICES.cpuHour;
  const ramCost = (ramH / GiB) * PRICES.ramGiBHour;
  const pvCost = (pvByteHours / GiB) * PRICES.pvGiBHour;
  const networkCost = (net / GiB) * PRICES.networkGiB;
  const pod = podName(w);
  const labels = Object.fromEntries(
    Object.entries(w.labels).map(([k, v]) => [sanitizeLabel(k), v]),
  );
  const a: Allocation = {
    name: '',
    properties: {
      cluster: w.cluster,
      node: w.node,
      controller: w.controller,
      controllerKind: w.controllerKind,
      namespace: w.namespace,
      pod,
      container: w.controller,
      providerID: `i-${Math.floor(unitHash(w.node) * 1e15).toString(16)}`,
      labels,
      namespaceLabels: { kubernetes_io_metadata_name: w.namespace },
    },
    ...fr,
    window: { ...fr.window },
    cpuCores: cpuH / hours,
    cpuCoreRequestAverage: cpuH / hours,
    cpuCoreUsageAverage: cpuUseH / hours,
    cpuCoreHours: cpuH,
    cpuCost,
    cpuCostAdjustment: 0,
    gpuCount: 0,
    gpuHours: 0,
    gpuCost: 0,
    gpuCostAdjustment: 0,
    networkTransferBytes: net,
    networkReceiveBytes: net * 1.1,
    networkCost,
    networkCrossZoneCost: 0,
    networkCrossRegionCost: 0,
    networkInternetCost: networkCost,
    networkCostAdjustment: 0,
    loadBalancerCost: 0,
    loadBalancerCostAdjustment: 0,
    pvBytes: w.pvBytes,
    pvByteHours,
    pvCost,
    pvs: w.pvBytes
      ? {
          [`${w.cluster}/pvc-${w.namespace}`]: {
            byteHours: pvByteHours,
            cost: pvCost,
          },
        }
      : null,
    pvCostAdjustment: 0,
    ramBytes: ramH / hours,
    ramByteRequestAverage: ramH / hours,
    ramByteUsageAverage: ramUseH / hours,
    ramByteHours: ramH,
    ramCost,
    ramCostAdjustment: 0,
    externalCost: 0,
    sharedCost: 0,
  };
  return a;
}

/** The set's window (it may end in the future), and the span that has data (up to now). */
function frame(start: number, end: number, windowEnd = end) {
  return {
    window: { start: iso(start), end: iso(windowEnd) },
    start: iso(start),
    end: iso(end),
    minutes: (end - start) / 60_000,
  };
}

const SUMMED = [
  'cpuCores',
  'cpuCoreRequestAverage',
  'cpuCoreUsageAverage',
  'cpuCoreHours',
  'cpuCost',
  'cpuCostAdjustment',
  'gpuCount',
  'gpuHours',
  'gpuCost',
  'gpuCostAdjustment',
  'networkTransferBytes',
  'networkReceiveBytes',
  'networkCost',
  'networkCrossZoneCost',
  'networkCrossRegionCost',
  'networkInternetCost',
  'networkCostAdjustment',
  'loadBalancerCost',
  'loadBalancerCostAdjustment',
  'pvBytes',
  'pvByteHours',
  'pvCost',
  'pvCostAdjustment',
  'ramBytes',
  'ramByteRequestAverage',
  'ramByteUsageAverage',
  'ramByteHours',
  'ramCost',
  'ramCostAdjustment',
  'externalCost',
  'sharedCost',
];

/** Every number of a row but `minutes`, rounded by `finish`. */
const ROUNDED = [
  ...SUMMED,
  'totalCost',
  'cpuEfficiency',
  'ramEfficiency',
  'totalEfficiency',
];

function merge(into: Allocation, a: Allocation) {
  for (const k of SUMMED) into[k] += a[k];
  // Properties shared by all merged allocations survive; label maps are intersected.
  for (const [k, v] of Object.entries<any>(into.properties)) {
    if (k === 'labels' || k === 'namespaceLabels') {
      const other = a.properties[k] ?? {};
      into.properties[k] = Object.fromEntries(
        Object.entries(v).filter(([lk, lv]) => other[lk] === lv),
      );
    } else if (a.properties[k] !== v) delete into.properties[k];
  }
  if (a.pvs) into.pvs = { ...(into.pvs ?? {}), ...a.pvs };
}

/** Derived totals and efficiencies, rounded like Kubecost's output. */
function finish(a: Allocation): Allocation {
  a.totalCost =
    a.cpuCost +
    a.gpuCost +
    a.ramCost +
    a.pvCost +
    a.networkCost +
    a.loadBalancerCost +
    a.sharedCost +
    a.externalCost;
  a.cpuEfficiency =
    a.cpuCoreRequestAverage > 0
      ? a.cpuCoreUsageAverage / a.cpuCoreRequestAverage
      : 0;
  a.ramEfficiency =
    a.ramByteRequestAverage > 0
      ? a.ramByteUsageAverage / a.ramByteRequestAverage
      : 0;
  const denom = a.cpuCost + a.ramCost;
  a.totalEfficiency =
    denom > 0
      ? (a.cpuEfficiency * a.cpuCost + a.ramEfficiency * a.ramCost) / denom
      : 0;
  for (const k of ROUNDED) a[k] = r5(a[k]);
  a.rawAllocationOnly = null;
  a.proportionalAssetResourceCosts = {};
  a.sharedCostBreakdown = {};
  a.lbAllocations = null;
  return a;
}

function keyOf(a: Allocation, aggregate: string[]): string {
  if (!aggregate.length)
    return ['cluster', 'node', 'namespace', 'pod', 'container']
      .map(k => a.properties[k])
      .join('/');
  return aggregate
    .map(agg => {
      const p = a.properties;
      if (agg.startsWith('label:'))
        return p.labels?.[sanitizeLabel(agg.slice(6))] ?? '__unallocated__';
      if (agg.startsWith('annotation:')) return '__unallocated__';
      if (agg === 'all') return '__all__';
      if (agg === 'controller') return `${p.controllerKind}:${p.controller}`;
      if (agg === 'service') return '__unallocated__';
      return p[agg] ?? '__unallocated__';
    })
    .join('/');
}

export interface AllocationQuery {
  start: number;
  /** End of the data (at most now). */
  end: number;
  /** End of the set's window (may be later than `end`). */
  windowEnd?: number;
  aggregate: string[];
  idle: boolean;
  shareIdle: boolean;
  seed: number;
  cluster: string;
}

/** One allocation set (`{key: Allocation}`) for one step. */
export function allocationSet(
  workloads: Workload[],
  allWorkloads: Workload[],
  q: AllocationQuery,
): Record<string, Allocation> {
  const out: Record<string, Allocation> = {};
  // The same window strings for every row (formatting dates per row is a hot spot at scale).
  const fr = frame(q.start, q.end, q.windowEnd);
  for (const w of workloads) {
    const a = workloadAllocation(w, q.start, q.end, q.seed, q.windowEnd, fr);
    const key = keyOf(a, q.aggregate);
    // `a` and its properties are fresh objects: the first of a key becomes the row.
    if (out[key]) merge(out[key], a);
    else {
      a.name = key;
      out[key] = a;
    }
  }
  if (q.idle || q.shareIdle) {
    const idle = idleAllocation(allWorkloads, q);
    if (q.shareIdle) {
      const total = Object.values(out).reduce(
        (s, a) => s + a.cpuCost + a.ramCost,
        0,
      );
      for (const a of Object.values(out)) {
        const share = total > 0 ? (a.cpuCost + a.ramCost) / total : 0;
        a.cpuCost += idle.cpuCost * share;
        a.ramCost += idle.ramCost * share;
      }
    } else if (Object.keys(out).length) {
      out.__idle__ = idle;
    }
  }
  for (const a of Object.values(out)) finish(a);
  return out;
}

/** Idle = node capacity (requests rounded up to whole 2-core/8GiB nodes at 70%) minus requests. */
function idleAllocation(all: Workload[], q: AllocationQuery): Allocation {
  const hours = (q.end - q.start) / HOUR;
  const cpu = all.reduce((s, w) => s + w.cpuCores * w.replicas, 0);
  const ram = all.reduce((s, w) => s + w.ramBytes * w.replicas, 0);
  const nodes = Math.max(
    2,
    Math.ceil(cpu / 2 / 0.7),
    Math.ceil(ram / (8 * GiB) / 0.7),
  );
  const idleCpu = nodes * 2 - cpu;
  const idleRam = nodes * 8 * GiB - ram;
  const a: Allocation = {
    name: '__idle__',
    properties: { cluster: q.cluster },
    ...frame(q.start, q.end, q.windowEnd),
  };
  for (const k of SUMMED) a[k] = 0;
  a.pvs = null;
  a.cpuCores = idleCpu;
  a.cpuCoreHours = idleCpu * hours;
  a.cpuCost = idleCpu * hours * PRICES.cpuHour;
  a.ramBytes = idleRam;
  a.ramByteHours = idleRam * hours;
  a.ramCost = (idleRam / GiB) * hours * PRICES.ramGiBHour;
  return a;
}
