const pool = new Map<string, string>();
const MAX = 200_000;

/**
 * One copy of a string that many records repeat (label keys and values, repository URLs,
 * cluster addresses). Strings parsed from JSON are separate copies; at 50,000 applications the
 * repeats are most of the store's memory.
 */
export function interned(value: string): string {
  const existing = pool.get(value);
  if (existing !== undefined) return existing;
  // Unique values (names, hashes) would grow the pool forever: stop taking new ones at a bound.
  if (pool.size < MAX) pool.set(value, value);
  return value;
}
