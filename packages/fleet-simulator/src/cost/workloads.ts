import type { SimApp } from '../argocd/app';
import { unitHash } from '../util/random';
import { ENV_POLICY, Env } from '../seed/layout';

/** A running workload as the cost model sees it. */
export interface Workload {
  cluster: string;
  node: string;
  namespace: string;
  controller: string;
  controllerKind: string;
  labels: Record<string, string>;
  replicas: number;
  cpuCores: number;
  ramBytes: number;
  pvBytes: number;
}

export function parseCpu(v: string | undefined, fallback: number): number {
  if (!v) return fallback;
  return v.endsWith('m')
    ? Number(v.slice(0, -1)) / 1000
    : Number(v) || fallback;
}

export function parseBytes(v: string | undefined, fallback: number): number {
  if (!v) return fallback;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G)?$/.exec(v);
  if (!m) return fallback;
  const mult: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    K: 1e3,
    M: 1e6,
    G: 1e9,
  };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

/** The (single) pod of a workload's ReplicaSet, stable per namespace and controller. */
export const podName = (w: Pick<Workload, 'namespace' | 'controller'>) =>
  `${w.controller}-${Math.floor(unitHash(w.namespace, w.controller) * 1e10)
    .toString(36)
    .slice(0, 10)}`;

/** Kubecost sanitises label names for Prometheus: `.`, `/`, `-` become `_`. */
export const sanitizeLabel = (k: string) => k.replace(/[^A-Za-z0-9_]/g, '_');

const SYSTEM: Array<Omit<Workload, 'cluster' | 'node'>> = [
  {
    namespace: 'kube-system',
    controller: 'coredns',
    controllerKind: 'deployment',
    labels: { 'k8s-app': 'kube-dns' },
    replicas: 2,
    cpuCores: 0.1,
    ramBytes: 70 * 1024 ** 2,
    pvBytes: 0,
  },
  {
    namespace: 'velero',
    controller: 'velero',
    controllerKind: 'deployment',
    labels: { 'app.kubernetes.io/name': 'velero' },
    replicas: 1,
    cpuCores: 0.5,
    ramBytes: 128 * 1024 ** 2,
    pvBytes: 0,
  },
  {
    namespace: 'kubecost',
    controller: 'kubecost-cost-analyzer',
    controllerKind: 'deployment',
    labels: { app: 'cost-analyzer' },
    replicas: 1,
    cpuCores: 0.2,
    ramBytes: 512 * 1024 ** 2,
    pvBytes: 32 * 1024 ** 3,
  },
];

/** Workloads of a cluster: every deployed (live) app plus a few system components. */
export function workloadsFromApps(cluster: string, apps: SimApp[]): Workload[] {
  const out: Workload[] = SYSTEM.map((w, i) => ({
    ...w,
    cluster,
    node: `${cluster}-node-${i % 3}`,
  }));
  let i = 0;
  for (const a of apps) {
    if (!a.live.tag) continue;
    const policy = ENV_POLICY[a.env as Env] ?? ENV_POLICY.dev;
    out.push({
      cluster,
      node: `${cluster}-node-${i++ % 3}`,
      namespace: a.obj.spec.destination?.namespace ?? `${a.service}-${a.env}`,
      controller: a.service,
      controllerKind: 'deployment',
      labels: { ...(a.obj.metadata.labels ?? {}) },
      replicas: a.live.replicas ?? policy.replicas,
      cpuCores: parseCpu(a.live.cpu, parseCpu(policy.cpu, 0.1)),
      ramBytes: parseBytes(
        a.live.memory,
        parseBytes(policy.memory, 128 * 1024 ** 2),
      ),
      pvBytes: a.env === 'prod' ? 10 * 1024 ** 3 : 0,
    });
  }
  return out;
}
