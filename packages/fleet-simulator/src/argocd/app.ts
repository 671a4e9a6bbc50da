import { createHash } from 'node:crypto';
import { Desired } from './render';
import type { RolloutState } from './rollouts/model';

/** Internal state of one simulated Argo CD Application; `obj` is what the API serves. */
export interface SimApp {
  name: string;
  env: string;
  service: string;
  filler: boolean;
  obj: any;
  headSha: string;
  desired: Desired;
  live: Desired & { sha?: string };
  /** Cached JSON of `obj` as bytes, dropped on every change (keeps big lists fast). */
  json?: Buffer;
  /** Cached projections of `obj` (list `fields`), dropped with `json`. */
  projections?: Map<string, string>;
  cancelOp?: () => void;
  cancelAuto?: () => void;
  cancelHealth?: () => void;
  lastAutoSync?: string;
  lastOpFailed?: boolean;
  /** Set when the manifests at HEAD could not be rendered (Argo's ComparisonError). */
  comparisonError?: string;
  /** When the periodic reconciliation is next due (the Reconciler's bookkeeping). */
  reconcileDue?: number;
  /**
   * The Secrets in its destination namespace, as far as its syncs know them (created by its own
   * Secrets, ExternalSecrets and SealedSecrets); undefined before its first planned sync.
   */
  liveSecrets?: Set<string>;
  /** App-of-apps root: names of the child Applications it owns. */
  children?: string[];
  /** The Argo Rollouts controller's state of its Rollout (rollouts/), if it has one. */
  rollout?: RolloutState;
  /** Changes made in the cluster behind Argo's back (drift.ts); undefined when there are none. */
  drift?: Drift;
}

/** A change to a live object, as `kubectl patch` makes it. */
export interface LivePatch {
  patch: Record<string, any>;
  type: 'merge' | 'strategic';
  /** The field manager the API server records (`kubectl-patch`, `hpa-controller`, ...). */
  manager: string;
  time: string;
  resourceVersion: string;
}

/** What the cluster holds that git doesn't say, keyed by `resourceKey`. */
export interface Drift {
  /** Patches of managed resources, applied in order on top of what the last sync applied. */
  patches: Map<string, LivePatch[]>;
  /** Live objects of the app git doesn't hold (they need pruning). */
  extra: Map<string, Record<string, any>>;
}

/** `group/kind/namespace/name`, the key Argo CD compares resources by. */
export const resourceKey = (r: {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}) => `${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** The short hash in generated names (ReplicaSets, pods). */
export const shortHash = (s: string, n = 10) =>
  createHash('sha1').update(s).digest('hex').slice(0, n);

export const iso = (d: Date | number) =>
  new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const uid = (...parts: string[]) => {
  const h = createHash('md5').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
};

export function sourceType(source: any): string {
  if (source?.helm || source?.chart) return 'Helm';
  if (source?.directory) return 'Directory';
  return 'Kustomize';
}

export function namespaceOf(app: SimApp): string {
  return app.obj.spec?.destination?.namespace ?? `${app.service}-${app.env}`;
}

export function imageRef(d: Desired, service: string): string | undefined {
  if (!d.tag) return undefined;
  return `${d.image ?? `registry.example.com/${service}`}:${d.tag}`;
}

/** `registry/name:tag` → its name and tag (none without a tag). */
export function splitImage(ref: string | undefined) {
  if (!ref) return undefined;
  const at = ref.lastIndexOf(':');
  if (at <= ref.lastIndexOf('/')) return { image: ref, tag: undefined };
  return { image: ref.slice(0, at), tag: ref.slice(at + 1) };
}

/** status.resources[]: what Argo lists as the app's managed resources. */
export function managedResources(
  app: SimApp,
  sync: string,
  health: { status: string; message?: string },
) {
  const ns = namespaceOf(app);
  if (!app.live.tag && !app.desired.tag) return [];
  const missing = !app.live.tag;
  const rollout = !!(app.desired.rollout ?? app.live.rollout);
  const resources: any[] = [
    {
      version: 'v1',
      kind: 'Service',
      namespace: ns,
      name: app.service,
      status: missing ? 'OutOfSync' : 'Synced',
      health: { status: missing ? 'Missing' : 'Healthy' },
    },
    {
      group: rollout ? 'argoproj.io' : 'apps',
      version: rollout ? 'v1alpha1' : 'v1',
      kind: rollout ? 'Rollout' : 'Deployment',
      namespace: ns,
      name: app.service,
      status: sync,
      health,
    },
    {
      version: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      name: `${app.service}-config`,
      status: missing ? 'OutOfSync' : 'Synced',
    },
  ];
  // A Rollout chart's AnalysisTemplate (no health: Argo CD has no check for it).
  if ((app.desired.rollout ?? app.live.rollout)?.analysisMetric)
    resources.push({
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'AnalysisTemplate',
      namespace: ns,
      name: `${app.service}-${
        (app.desired.rollout ?? app.live.rollout)!.analysisMetric
      }`,
      status: missing ? 'OutOfSync' : 'Synced',
    });
  return resources;
}
