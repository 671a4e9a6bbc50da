const EMPTY: ReadonlySet<string> = new Set();

/**
 * value → the keys of the records that have it. Most values belong to one record only (an
 * application's name, its destination namespace, an `app=<name>` label), and a Set per value
 * costs ~150 bytes: one key is kept as is, a Set only from the second (at 50,000 applications,
 * ~150,000 Sets fewer).
 */
export class KeyIndex {
  private readonly map = new Map<string, string | Set<string>>();

  add(value: string, key: string) {
    const current = this.map.get(value);
    if (current === undefined) this.map.set(value, key);
    else if (typeof current === 'string') {
      if (current !== key) this.map.set(value, new Set([current, key]));
    } else current.add(key);
  }

  drop(value: string, key: string) {
    const current = this.map.get(value);
    if (current === undefined) return;
    if (typeof current === 'string') {
      if (current === key) this.map.delete(value);
      return;
    }
    current.delete(key);
    if (current.size === 1) this.map.set(value, current.values().next().value!);
    else if (current.size === 0) this.map.delete(value);
  }

  /** The keys with `value` (empty when none). */
  get(value: string): ReadonlySet<string> {
    const current = this.map.get(value);
    if (current === undefined) return EMPTY;
    return typeof current === 'string' ? new Set([current]) : current;
  }
}
