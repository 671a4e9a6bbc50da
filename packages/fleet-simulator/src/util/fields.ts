import type { FieldSelection } from '../argocd/listFields';

/** Byte order of ASCII keys, as Go sorts map keys. */
export function cmp(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The generic `fields` projection of argoproj/pkg's gateway marshaler (`processItem`), used on
 * stream messages: a key stays when its dotted path is selected (then its whole subtree) or is a
 * string prefix of a selected path (then it is filtered further); with `-` a selected path is
 * dropped and everything else stays. Arrays are walked with their parent's path. The result is
 * written as Go re-marshals the decoded map: keys sorted at every level.
 */
export function projectGeneric(value: unknown, sel: FieldSelection): string {
  const fields = [...sel.fields];
  const walk = (path: string, v: any): string => {
    if (Array.isArray(v)) return `[${v.map(x => walk(path, x)).join(',')}]`;
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const parts: string[] = [];
    for (const k of Object.keys(v).sort(cmp)) {
      if (v[k] === undefined) continue;
      const fieldPath = path ? `${path}.${k}` : k;
      const pathIn = sel.fields.has(fieldPath);
      const keep = sel.exclude
        ? !pathIn
        : pathIn || fields.some(f => f.startsWith(fieldPath));
      if (!keep) continue;
      parts.push(
        `${JSON.stringify(k)}:${pathIn ? goJson(v[k]) : walk(fieldPath, v[k])}`,
      );
    }
    return `{${parts.join(',')}}`;
  };
  return walk('', value);
}

/** JSON with object keys sorted at every level (Go's encoding of map[string]interface{}). */
export function goJson(v: any): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const parts: string[] = [];
  for (const k of Object.keys(v).sort(cmp))
    if (v[k] !== undefined) parts.push(`${JSON.stringify(k)}:${goJson(v[k])}`);
  return `{${parts.join(',')}}`;
}
