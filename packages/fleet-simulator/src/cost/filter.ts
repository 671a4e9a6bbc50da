import { Workload, podName, sanitizeLabel } from './workloads';

/**
 * The v2 filter language of Kubecost and OpenCost (opencost `core/pkg/filter/ast`):
 * `<field><op>"v1","v2"` comparisons joined by `+` (AND) or `|` (OR), never both in one
 * parenthesised scope. Ops `:` `!:` `~:` `!~:` `<~:` `!<~:` `~>:` `!~>:` (equals, contains, starts
 * with, ends with; `!` negates). Several values OR a positive op and AND a negated one. Maps
 * (`label[app]`, `annotation[k]`) compare a key's value; without a key `:` means "has the key".
 * Keys are Prometheus-sanitised (`app.kubernetes.io/name` → `app_kubernetes_io_name`).
 * Kubecost only: when `filter` is absent, its v1 parameters (`filterNamespaces=a,b*`, ...).
 */
export type Predicate = (w: Workload) => boolean;

export class FilterError extends Error {}

type Op = 'eq' | 'contains' | 'prefix' | 'suffix';

const FIELDS: Record<string, (w: Workload) => string | string[]> = {
  cluster: w => w.cluster,
  node: w => w.node,
  namespace: w => w.namespace,
  controllerName: w => w.controller,
  controllerKind: w => w.controllerKind,
  pod: w => podName(w),
  container: w => w.controller,
  services: w => [w.controller],
  provider: () => 'custom',
};
/** Kubecost's label aliases, with its default label names. */
const ALIASES: Record<string, string> = {
  department: 'department',
  environment: 'env',
  owner: 'owner',
  product: 'app',
  team: 'team',
};

const labelsOf = (w: Workload) =>
  Object.fromEntries(
    Object.entries(w.labels).map(([k, v]) => [sanitizeLabel(k), v]),
  );

const test = (op: Op, actual: string, v: string) => {
  switch (op) {
    case 'eq':
      return actual === v;
    case 'contains':
      return actual.includes(v);
    case 'prefix':
      return actual.startsWith(v);
    default:
      return actual.endsWith(v);
  }
};

function comparison(
  field: string,
  key: string | undefined,
  opText: string,
  values: string[],
): Predicate {
  const negate = opText.startsWith('!');
  const base = opText.replace(/^!/, '');
  let op: Op = 'eq';
  if (base === '~:') op = 'contains';
  else if (base === '<~:') op = 'prefix';
  else if (base === '~>:') op = 'suffix';
  let one: (w: Workload, v: string) => boolean;
  const mapField = field === 'label' || field === 'annotation';
  if (mapField && key !== undefined) {
    const k = sanitizeLabel(key);
    one = (w, v) => {
      const m = field === 'label' ? labelsOf(w) : {};
      return k in m && test(op, m[k], v);
    };
  } else if (mapField) {
    // Key-less map: ':' is "contains key"; the value names a (sanitised) key.
    const keyOp: Op = op === 'eq' ? 'contains' : op;
    one = (w, v) =>
      Object.keys(field === 'label' ? labelsOf(w) : {}).some(k =>
        keyOp === 'contains' ? k === sanitizeLabel(v) : test(keyOp, k, v),
      );
  } else if (field in ALIASES) {
    const k = ALIASES[field];
    one = (w, v) => k in labelsOf(w) && test(op, labelsOf(w)[k], v);
  } else {
    const get = FIELDS[field];
    if (!get) throw new FilterError(`at '${field}': expect filter field`);
    one = (w, v) => {
      const a = get(w);
      // Slices: ':' is "contains an equal element".
      return Array.isArray(a)
        ? a.some(x => test(op === 'contains' ? 'eq' : op, x, v))
        : test(op, a, v);
    };
  }
  return negate
    ? w => values.every(v => !one(w, v))
    : w => values.some(v => one(w, v));
}

type Token = { kind: string; s: string };

function lex(src: string): Token[] {
  const out: Token[] = [];
  const ops = ['!<~:', '!~>:', '!~:', '!:', '<~:', '~>:', '~:', ':'];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (' \t\n\r'.includes(c)) {
      i++;
      continue;
    }
    const at = i;
    const op = ops.find(o => src.startsWith(o, at));
    if (op) {
      out.push({ kind: 'op', s: op });
      i += op.length;
    } else if ('+|,()'.includes(c)) {
      out.push({ kind: c, s: c });
      i++;
    } else if (c === '"' || c === '[') {
      const close = src.indexOf(c === '"' ? '"' : ']', i + 1);
      if (close < 0)
        throw new FilterError(
          `unterminated ${c === '"' ? 'string' : 'access'} starting at ${i}`,
        );
      out.push({ kind: c === '"' ? 'str' : 'key', s: src.slice(i + 1, close) });
      i = close + 1;
    } else if (/[0-9A-Za-z_-]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9A-Za-z_-]/.test(src[j])) j++;
      out.push({ kind: 'ident', s: src.slice(i, j) });
      i = j;
    } else throw new FilterError(`unexpected character/byte at position ${i}`);
  }
  return out;
}

/** Parses a v2 filter into a predicate; throws FilterError on a syntax error. */
export function parseV2Filter(src: string): Predicate {
  const t = lex(src);
  let p = 0;
  const peek = () => t[p]?.kind ?? 'eof';
  const expect = (kind: string, what: string) => {
    if (peek() !== kind)
      throw new FilterError(
        `${t[p] ? `at '${t[p].s}'` : 'at end'}: expect ${what}`,
      );
    return t[p++];
  };
  function element(): Predicate {
    if (peek() === '(') {
      p++;
      const inner = expr();
      expect(')', "')'");
      return inner;
    }
    const field = expect('ident', 'filter field').s;
    const key = peek() === 'key' ? t[p++].s : undefined;
    const op = expect('op', "filter op like ':', '!:', '~:', or '!~:'").s;
    const values = [expect('str', 'string as filter value').s];
    while (peek() === ',') {
      p++;
      values.push(expect('str', 'string as filter value').s);
    }
    return comparison(field, key, op, values);
  }
  function expr(): Predicate {
    const parts = [element()];
    const groupOp = peek() === '+' || peek() === '|' ? peek() : undefined;
    while (groupOp && (peek() === '+' || peek() === '|')) {
      if (peek() !== groupOp)
        throw new FilterError(`Found "${peek()}", Expected "${groupOp}"`);
      p++;
      parts.push(element());
    }
    if (groupOp === '|') return w => parts.some(f => f(w));
    return w => parts.every(f => f(w));
  }
  if (!t.length) return () => true;
  const f = expr();
  if (p < t.length) throw new FilterError(`at '${t[p].s}': unexpected token`);
  return f;
}

/** Kubecost's v1 parameters: comma lists, a trailing `*` is a prefix match. */
function v1Filters(q: Record<string, unknown>): Predicate {
  const preds: Predicate[] = [];
  const values = (param: string) =>
    typeof q[param] === 'string' && q[param]
      ? String(q[param])
          .split(',')
          .map(s => s.trim())
          .filter(Boolean)
      : undefined;
  const like = (actual: string | undefined, v: string) =>
    actual !== undefined &&
    (v.endsWith('*') ? actual.startsWith(v.slice(0, -1)) : actual === v);
  const add = (param: string, get: (w: Workload) => string[]) => {
    const vs = values(param);
    if (vs) preds.push(w => vs.some(v => get(w).some(a => like(a, v))));
  };
  add('filterClusters', w => [w.cluster]);
  add('filterNodes', w => [w.node]);
  add('filterNamespaces', w => [w.namespace]);
  add('filterControllerKinds', w => [w.controllerKind]);
  add('filterControllers', w => [
    w.controller,
    `${w.controllerKind}:${w.controller}`,
  ]);
  add('filterPods', w => [podName(w)]);
  add('filterServices', w => [w.controller]);
  const labels = values('filterLabels');
  if (labels)
    preds.push(w => {
      const l = labelsOf(w);
      return labels.some(pair => {
        const [k, v = ''] = pair.split(/[:=]/).map(s => s.trim());
        return like(l[sanitizeLabel(k)], v);
      });
    });
  return w => preds.every(f => f(w));
}

/** The workload filter of a query: `filter` (v2), else (Kubecost only) the v1 parameters. */
export function parseFilter(
  q: Record<string, unknown>,
  flavour: 'kubecost' | 'opencost' = 'kubecost',
): Predicate {
  if (typeof q.filter === 'string') return parseV2Filter(q.filter);
  return flavour === 'kubecost' ? v1Filters(q) : () => true;
}
