/**
 * Argo CD's `fields` projection: a list of dotted paths (e.g. `items.metadata.name`);
 * only those paths survive. Arrays are projected element-wise.
 */
export function projectFields(value: any, paths: string[]): any {
  const tree: Record<string, any> = {};
  for (const p of paths) {
    let node = tree;
    for (const seg of p.split('.').filter(Boolean)) {
      node[seg] = node[seg] === true ? true : node[seg] ?? {};
      if (node[seg] === true) break;
      node = node[seg];
    }
  }
  markLeaves(tree);
  return pick(value, tree);
}

function markLeaves(tree: Record<string, any>) {
  for (const k of Object.keys(tree)) {
    if (tree[k] !== true && Object.keys(tree[k]).length === 0) tree[k] = true;
    else if (tree[k] !== true) markLeaves(tree[k]);
  }
}

function pick(value: any, tree: Record<string, any> | true): any {
  if (tree === true || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map(v => pick(v, tree));
  if (typeof value !== 'object') return value;
  const out: Record<string, any> = {};
  for (const [k, sub] of Object.entries(tree)) {
    if (value[k] !== undefined) out[k] = pick(value[k], sub);
  }
  return out;
}
