/**
 * What a person compares in a diff, as Argo CD's "Compact diff" shows it: what the cluster
 * writes (status, managed fields, uid, resourceVersion, generation, timestamps, the
 * last-applied annotation) left out on both sides, and a Secret's values never shown.
 */

type Obj = Record<string, unknown>;

const SERVER_METADATA = [
  'managedFields',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'selfLink',
];
const SERVER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];

const isObj = (v: unknown): v is Obj =>
  Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** A copy of `resource` without what the cluster adds. */
export function normalize(resource: Obj | null): Obj | null {
  if (!resource) return null;
  const out: Obj = structuredClone(resource);
  delete out.status;
  if (isObj(out.metadata)) {
    const meta = out.metadata;
    for (const key of SERVER_METADATA) delete meta[key];
    if (isObj(meta.annotations)) {
      for (const key of SERVER_ANNOTATIONS) delete meta.annotations[key];
      if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
    }
  }
  return out;
}

const HIDDEN = '(hidden)';
const HIDDEN_CHANGED = '(hidden, changed)';

/**
 * Replaces a Secret's values on both sides: equal values read `(hidden)`, a changed or new
 * value `(hidden, changed)` on the desired side, so the diff says which keys change and never
 * what they hold.
 */
export function maskSecrets(
  kind: string,
  live: Obj | null,
  desired: Obj | null,
): void {
  if (kind !== 'Secret') return;
  for (const field of ['data', 'stringData']) {
    const l = isObj(live?.[field]) ? (live![field] as Obj) : undefined;
    const d = isObj(desired?.[field]) ? (desired![field] as Obj) : undefined;
    if (d) {
      for (const key of Object.keys(d)) {
        d[key] = l && l[key] === d[key] ? HIDDEN : HIDDEN_CHANGED;
      }
    }
    if (l) for (const key of Object.keys(l)) l[key] = HIDDEN;
  }
}
