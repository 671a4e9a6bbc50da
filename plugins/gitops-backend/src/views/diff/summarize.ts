/**
 * The notable changes of one resource in a line each, for the list a Sync confirmation shows:
 * container images first (`image 1.3.0 → 1.3.1`), then changed, added and removed fields.
 */

type Obj = Record<string, unknown>;

const MAX_LINES = 5;

const isObj = (v: unknown): v is Obj =>
  Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** Pod specs of the common workload kinds (Deployment, StatefulSet, Job, CronJob, Pod, Rollout). */
function podSpecOf(resource: Obj | null): Obj | undefined {
  const spec = resource?.spec;
  if (!isObj(spec)) return undefined;
  const candidates = [
    (spec.template as Obj | undefined)?.spec,
    ((spec.jobTemplate as Obj | undefined)?.spec as Obj | undefined)?.template,
    spec,
  ];
  for (const c of candidates) {
    const pod =
      isObj(c) && isObj(c.spec) && 'containers' in c.spec ? c.spec : c;
    if (isObj(pod) && Array.isArray(pod.containers)) return pod;
  }
  return undefined;
}

function imagesOf(resource: Obj | null): Map<string, string> {
  const out = new Map<string, string>();
  const pod = podSpecOf(resource);
  for (const list of [pod?.initContainers, pod?.containers]) {
    for (const c of Array.isArray(list) ? list : []) {
      if (isObj(c) && typeof c.name === 'string' && typeof c.image === 'string')
        out.set(c.name, c.image);
    }
  }
  return out;
}

/** `registry:5000/app:1.2` → [`registry:5000/app`, `1.2`]: the tag follows the last `/`. */
function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/')
    ? [image.slice(0, at), image.slice(at + 1)]
    : [image, undefined];
}

function imageLines(live: Obj | null, desired: Obj | null): string[] {
  const before = imagesOf(live);
  const after = imagesOf(desired);
  const lines: string[] = [];
  const several = new Set([...before.keys(), ...after.keys()]).size > 1;
  for (const [name, image] of after) {
    const old = before.get(name);
    if (old === undefined || old === image) continue;
    const [oldRepo, oldTag] = splitImage(old);
    const [repo, tag] = splitImage(image);
    const label = several ? `image of ${name}` : 'image';
    lines.push(
      oldRepo === repo && oldTag && tag
        ? `${label} ${oldTag} → ${tag}`
        : `${label} ${old} → ${image}`,
    );
  }
  return lines;
}

/** Longer values are cut: a summary line names a change, the diff shows it. */
const MAX_VALUE_CHARS = 60;

const show = (v: unknown) => {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
  const firstLine = text.split('\n', 1)[0];
  return firstLine.length > MAX_VALUE_CHARS || firstLine !== text
    ? `${firstLine.slice(0, MAX_VALUE_CHARS)}…`
    : text;
};

/** Changed leaves as `path before → after`, added and removed ones named. */
function fieldLines(a: unknown, b: unknown, path: string, out: string[]) {
  if (out.length > 50) return;
  if (isObj(a) && isObj(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in a)) out.push(`${at} added`);
      else if (!(key in b)) out.push(`${at} removed`);
      else fieldLines(a[key], b[key], at, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => fieldLines(item, b[i], `${path}[${i}]`, out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    const scalar = (v: unknown) => v === null || typeof v !== 'object';
    out.push(
      scalar(a) && scalar(b)
        ? `${path} ${show(a)} → ${show(b)}`
        : `${path} changed`,
    );
  }
}

/** Lines for an update; a create or a prune is said by its action alone. */
export function summarize(live: Obj | null, desired: Obj | null): string[] {
  if (!live || !desired) return [];
  const images = imageLines(live, desired);
  const fields: string[] = [];
  fieldLines(live, desired, '', fields);
  // The image lines already say what the container's image field would.
  const rest = fields.filter(
    l => !(images.length && /containers\[\d+\]\.image /.test(l)),
  );
  const lines = [...images, ...rest];
  if (lines.length <= MAX_LINES) return lines;
  return [
    ...lines.slice(0, MAX_LINES - 1),
    `and ${lines.length - MAX_LINES + 1} more changes`,
  ];
}
