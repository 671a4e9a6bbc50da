/**
 * Kubernetes label selectors, the syntax of `argocd/app-selector` and
 * `gitops/cost-label-selector`: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`,
 * comma-separated (all must match).
 */
export type SelectorRequirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!exists' };

const KEY = /^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export class SelectorError extends Error {}

function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of input) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new SelectorError('unbalanced ")"');
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new SelectorError('unbalanced "("');
  parts.push(current);
  return parts.map(p => p.trim());
}

const checkKey = (key: string) => {
  if (!KEY.test(key)) throw new SelectorError(`invalid label key "${key}"`);
  return key;
};
const checkValue = (value: string) => {
  if (!VALUE.test(value) || value.length > 63) {
    throw new SelectorError(`invalid label value "${value}"`);
  }
  return value;
};

/** Parses a selector; throws SelectorError on bad syntax. An empty selector matches all. */
export function parseLabelSelector(input: string): SelectorRequirement[] {
  const trimmed = input.trim();
  if (!trimmed) return [];
  return splitTopLevel(trimmed).map(part => {
    if (!part) throw new SelectorError('empty requirement');
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (setMatch) {
      const values = setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(Boolean)
        .map(checkValue);
      if (!values.length) throw new SelectorError(`empty set in "${part}"`);
      return {
        key: checkKey(setMatch[1]),
        op: setMatch[2] as 'in' | 'notin',
        values,
      };
    }
    const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (eqMatch) {
      const value = checkValue(eqMatch[3]);
      return {
        key: checkKey(eqMatch[1]),
        op: eqMatch[2] === '!=' ? 'notin' : 'in',
        values: [value],
      };
    }
    if (part.startsWith('!')) {
      return { key: checkKey(part.slice(1).trim()), op: '!exists' };
    }
    return { key: checkKey(part), op: 'exists' };
  });
}

export function matchesLabelSelector(
  requirements: SelectorRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!exists':
        return !has;
      default:
        return false;
    }
  });
}

/** Back to the canonical string form (for Argo's `selector` query parameter). */
export function formatLabelSelector(requirements: SelectorRequirement[]) {
  return requirements
    .map(r => {
      switch (r.op) {
        case 'in':
          return r.values.length === 1
            ? `${r.key}=${r.values[0]}`
            : `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return r.values.length === 1
            ? `${r.key}!=${r.values[0]}`
            : `${r.key} notin (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        default:
          return `!${r.key}`;
      }
    })
    .join(',');
}
