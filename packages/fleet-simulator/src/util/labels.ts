/** Kubernetes label selectors as Argo CD's `selector` and the kube `labelSelector` accept them. */
export type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export function parseSelector(selector: string | undefined): Requirement[] {
  if (!selector || !selector.trim()) return [];
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts
    .map(p => p.trim())
    .filter(Boolean)
    .map(parseRequirement);
}

function parseRequirement(p: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p);
  if (m) {
    const values = m[3]
      .split(',')
      .map(v => v.trim())
      .filter(Boolean);
    return { op: m[2] as 'in' | 'notin', key: m[1], values };
  }
  m = /^([^!=\s]+)\s*(!=|==|=)\s*(\S*)$/.exec(p);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1], value: m[3] };
  if (p.startsWith('!')) return { op: 'notexists', key: p.slice(1).trim() };
  if (/^[A-Za-z0-9._\-/]+$/.test(p)) return { op: 'exists', key: p };
  throw new Error(`unable to parse requirement: ${p}`);
}

export function matchesSelector(
  reqs: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      default:
        return false;
    }
  });
}
