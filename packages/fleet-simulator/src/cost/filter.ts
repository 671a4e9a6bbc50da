import { Workload, sanitizeLabel } from './workloads';

/**
 * Kubecost's filter language subset: `namespace:"a","b"+label[app]:"x"` (`+` = AND,
 * comma-separated values = OR, `!:` negates, a trailing `*` in a value is a prefix match).
 * Also OpenCost's legacy `filterNamespaces`, `filterClusters`, `filterLabels` (`app:x`).
 */
export type Predicate = (w: Workload) => boolean;

function field(w: Workload, name: string): string | undefined {
  const lbl = /^label\[(.+)\]$/.exec(name);
  if (lbl)
    return (
      w.labels[lbl[1]] ??
      w.labels[sanitizeLabel(lbl[1])] ??
      labelBySanitized(w, lbl[1])
    );
  switch (name) {
    case 'namespace':
      return w.namespace;
    case 'cluster':
      return w.cluster;
    case 'node':
      return w.node;
    case 'controllerName':
    case 'controller':
      return w.controller;
    case 'controllerKind':
      return w.controllerKind;
    default:
      return undefined;
  }
}

function labelBySanitized(w: Workload, key: string): string | undefined {
  const k = sanitizeLabel(key);
  const hit = Object.keys(w.labels).find(l => sanitizeLabel(l) === k);
  return hit ? w.labels[hit] : undefined;
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map(x => x.trim()).filter(Boolean);
}

const valueMatch = (actual: string | undefined, v: string) =>
  actual !== undefined &&
  (v.endsWith('*') ? actual.startsWith(v.slice(0, -1)) : actual === v);

export function parseFilter(q: Record<string, unknown>): Predicate {
  const preds: Predicate[] = [];
  const filter = typeof q.filter === 'string' ? q.filter : undefined;
  if (filter) {
    for (const clause of splitTop(filter, '+')) {
      const m = /^([A-Za-z]+(?:\[[^\]]+\])?)\s*(!?:)\s*(.*)$/.exec(clause);
      if (!m) throw new Error(`invalid filter clause: ${clause}`);
      const [, name, op, rest] = m;
      const values = splitTop(rest, ',').map(v => v.replace(/^"|"$/g, ''));
      preds.push(w => {
        const hit = values.some(v => valueMatch(field(w, name), v));
        return op === '!:' ? !hit : hit;
      });
    }
  }
  const legacy = (param: string, name: string) => {
    const v = q[param];
    if (typeof v === 'string' && v) {
      const values = v.split(',').map(s => s.trim());
      preds.push(w => values.some(x => valueMatch(field(w, name), x)));
    }
  };
  legacy('filterNamespaces', 'namespace');
  legacy('filterClusters', 'cluster');
  legacy('filterControllers', 'controller');
  if (typeof q.filterLabels === 'string' && q.filterLabels) {
    const pairs = q.filterLabels
      .split(',')
      .map(p => p.split(/[:=]/).map(s => s.trim()));
    preds.push(w =>
      pairs.some(([k, v]) => valueMatch(field(w, `label[${k}]`), v)),
    );
  }
  return w => preds.every(p => p(w));
}
