/** `key` → the refs that have it: one Set per key, dropped when it empties. */
export type SetIndex = Map<string, Set<string>>;

export function link(index: SetIndex, key: string, ref: string) {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(ref);
}

export function unlink(index: SetIndex, key: string, ref: string) {
  const set = index.get(key);
  set?.delete(ref);
  if (set?.size === 0) index.delete(key);
}
