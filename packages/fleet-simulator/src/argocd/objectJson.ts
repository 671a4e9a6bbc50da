/**
 * JSON machinery behind the simulated diff, after gitops-engine's `pkg/diff` and the API server:
 * Go's `json.Marshal` of an unstructured object, JSON merge and strategic merge patches, the
 * three-way merge `kubectl apply` computes, managed fields (`fieldsV1`), and removing the paths
 * an application's `ignoreDifferences` names (JSON pointers, simple jq paths).
 */
export type Obj = Record<string, any>;

export const isObj = (v: unknown): v is Obj =>
  !!v && typeof v === 'object' && !Array.isArray(v);

export const clone = <T>(v: T): T =>
  v === undefined ? v : JSON.parse(JSON.stringify(v));

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
};

/** Go's `json.Marshal` of a map: keys sorted, `<`, `>` and `&` escaped. */
export function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(
    /[<>&\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The strategic-merge keys of the lists our objects hold (by field name). */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  imagePullSecrets: ['name'],
  ports: ['containerPort', 'port'],
  conditions: ['type'],
};

function mergeKey(field: string | undefined, ...lists: unknown[][]) {
  const keys = field ? MERGE_KEYS[field] : undefined;
  const all = lists.flat();
  return keys?.find(k => all.every(e => isObj(e) && e[k] !== undefined));
}

/** RFC 7386 JSON merge patch (`kubectl patch --type merge`): lists are replaced, null deletes. */
export function mergePatch(target: unknown, patch: unknown): any {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A strategic merge patch (kubectl's default): like a merge patch, lists merged by their key. */
export function strategicPatch(
  target: unknown,
  patch: unknown,
  field?: string,
): any {
  if (Array.isArray(patch)) {
    const key = Array.isArray(target) ? mergeKey(field, patch, target) : '';
    if (!key || !Array.isArray(target)) return clone(patch);
    const out = [...target];
    for (const el of patch) {
      const i = out.findIndex(x => x[key] === el[key]);
      if (i >= 0) out[i] = strategicPatch(out[i], el);
      else out.push(clone(el));
    }
    return out;
  }
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = strategicPatch(out[k], v, k);
  }
  return out;
}

/**
 * What `kubectl apply` of `config` makes of `live` when `orig` is the last applied configuration
 * (a strategic three-way merge): the config's fields set, fields it dropped since `orig` removed,
 * everything else the live object has (defaults, status, what others added) kept.
 */
export function threeWay(
  orig: unknown,
  config: unknown,
  live: unknown,
  field?: string,
): any {
  if (isObj(config) && isObj(live)) {
    const out: Obj = { ...live };
    for (const k of Object.keys(isObj(orig) ? orig : {}))
      if (!(k in config)) delete out[k];
    for (const [k, v] of Object.entries(config))
      out[k] = threeWay(isObj(orig) ? orig[k] : undefined, v, live[k], k);
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const key = mergeKey(field, config, live);
    if (key) {
      const before = Array.isArray(orig) ? orig : [];
      const find = (list: any[], el: any) =>
        list.find(x => isObj(x) && x[key] === el[key]);
      const out = config.map(c => threeWay(find(before, c), c, find(live, c)));
      for (const l of live)
        if (!find(config, l) && !find(before, l)) out.push(clone(l));
      return out;
    }
  }
  return clone(config);
}

/** Fields without a `.` entry of their own in managedFields (structs, not maps). */
const STRUCTS = new Set(['metadata', 'spec', 'template', 'strategy', 'status']);
const ATOMIC = new Set(['selector']);

/** The `fieldsV1` set of an object's fields (what a manager that set all of them owns). */
export function fieldsV1(v: unknown, field?: string, top = true): Obj {
  if (isObj(v)) {
    if (field && ATOMIC.has(field)) return {};
    const out: Obj = !top && field && !STRUCTS.has(field) ? { '.': {} } : {};
    for (const [k, child] of Object.entries(v)) {
      if (child === null || child === undefined) continue;
      out[`f:${k}`] = fieldsV1(child, k, false);
    }
    return Object.keys(out).length === 1 && out['.'] ? {} : out;
  }
  if (Array.isArray(v)) {
    const key = mergeKey(field, v);
    if (!key) return {};
    const out: Obj = { '.': {} };
    for (const el of v) {
      const id: Obj = { [key]: el[key] };
      if (key === 'containerPort' && el.protocol) id.protocol = el.protocol;
      out[`k:${goJson(id)}`] = { '.': {}, ...fieldsV1(el, undefined, false) };
    }
    return out;
  }
  return {};
}

const isLeaf = (f: Obj) => Object.keys(f).every(k => k === '.');

/** Fields of `a` not in `b` (ownership moves to whoever last set a field). */
export function subtractFields(a: Obj, b: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(a)) {
    if (k === '.' || !(k in b)) {
      out[k] = v;
      continue;
    }
    if (isLeaf(b[k]) || isLeaf(v)) continue;
    const rest = subtractFields(v, b[k]);
    if (!isLeaf(rest)) out[k] = rest;
  }
  return out;
}

/** The union of two fieldsV1 sets. */
export function unionFields(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b))
    out[k] = k in out ? unionFields(out[k], v) : v;
  return out;
}

/** Removes from `obj` every field the set names (what `managedFieldsManagers` ignores). */
export function removeFields(obj: unknown, fields: Obj) {
  for (const [k, sub] of Object.entries(fields)) {
    if (k.startsWith('f:') && isObj(obj)) {
      const name = k.slice(2);
      if (!(name in obj)) continue;
      if (isLeaf(sub)) delete obj[name];
      else removeFields(obj[name], sub);
    } else if (k.startsWith('k:') && Array.isArray(obj)) {
      const id = JSON.parse(k.slice(2));
      const i = obj.findIndex(
        e => isObj(e) && Object.entries(id).every(([ik, iv]) => e[ik] === iv),
      );
      if (i < 0) continue;
      if (isLeaf(sub)) obj.splice(i, 1);
      else removeFields(obj[i], sub);
    }
  }
}

/** Removes the value at an RFC 6901 pointer (`/spec/replicas`); a missing path is no error. */
export function removePointer(obj: unknown, pointer: string) {
  const parts = pointer
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (!parts.length) return;
  let cur: any = obj;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else cur = isObj(cur) ? cur[p] : undefined;
    if (cur === undefined) return;
  }
  const last = parts[parts.length - 1];
  if (Array.isArray(cur)) {
    const i = Number(last);
    if (Number.isInteger(i) && i >= 0 && i < cur.length) cur.splice(i, 1);
  } else if (isObj(cur)) delete cur[last];
}

type Step =
  | { key: string }
  | { index: number }
  | { each: true }
  | { select: [string, string] };

const STEPS: Array<[RegExp, (m: RegExpExecArray) => Step]> = [
  [
    /^\s*\|\s*select\(\s*\.([A-Za-z_][\w-]*)\s*==\s*"((?:[^"\\]|\\.)*)"\s*\)/,
    m => ({ select: [m[1], m[2]] }),
  ],
  [/^\.?\[\]\??/, () => ({ each: true })],
  [/^\.?\[(\d+)\]\??/, m => ({ index: Number(m[1]) })],
  [/^\.?\["((?:[^"\\]|\\.)*)"\]\??/, m => ({ key: m[1] })],
  [/^\."((?:[^"\\]|\\.)*)"\??/, m => ({ key: m[1] })],
  [/^\.([A-Za-z_][\w-]*)\??/, m => ({ key: m[1] })],
];

/** Parses the jq paths ignoreDifferences uses (`.a.b`, `.a[]`, `.a[0]`, `| select(.k == "v")`). */
function parseJq(expr: string): Step[] | undefined {
  const steps: Step[] = [];
  let rest = expr.trim();
  while (rest) {
    const at = rest;
    const found = STEPS.map(([re, f]) => [re.exec(at), f] as const).find(
      ([m]) => m,
    );
    if (!found) return undefined; // not a path this simulator understands: ignored
    const [m, f] = found;
    steps.push(f(m!));
    rest = rest.slice(m![0].length).trimStart();
  }
  return steps;
}

/** Removes what a jq path expression selects (Argo's `jqPathExpressions`). */
export function removeJq(obj: Obj, expr: string) {
  const steps = parseJq(expr);
  if (!steps?.length) return;
  let locs: Array<{ parent: any; key: string | number }> = [
    { parent: { root: obj }, key: 'root' },
  ];
  for (const s of steps) {
    const next: typeof locs = [];
    for (const loc of locs) {
      const v = loc.parent[loc.key];
      if ('key' in s) {
        if (isObj(v) && s.key in v) next.push({ parent: v, key: s.key });
      } else if ('index' in s) {
        if (Array.isArray(v) && s.index < v.length)
          next.push({ parent: v, key: s.index });
      } else if ('each' in s) {
        if (Array.isArray(v))
          v.forEach((_, i) => next.push({ parent: v, key: i }));
        else if (isObj(v))
          Object.keys(v).forEach(k => next.push({ parent: v, key: k }));
      } else if (isObj(v) && String(v[s.select[0]]) === s.select[1]) {
        next.push(loc);
      }
    }
    locs = next;
  }
  // Last index first, so removing from a list keeps the other positions valid.
  for (const { parent, key } of locs.reverse()) {
    if (parent.root === obj && key === 'root') continue;
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  }
}

/** The merge patch that turns `from` into `to` (undefined when they are equal). */
export function mergeDiff(from: Obj, to: Obj): Obj | undefined {
  const out: Obj = {};
  for (const k of Object.keys(from)) if (!(k in to)) out[k] = null;
  for (const [k, v] of Object.entries(to)) {
    if (!(k in from)) out[k] = clone(v);
    else if (isObj(from[k]) && isObj(v)) {
      const d = mergeDiff(from[k], v);
      if (d) out[k] = d;
    } else if (goJson(from[k]) !== goJson(v)) out[k] = clone(v);
  }
  return Object.keys(out).length ? out : undefined;
}
