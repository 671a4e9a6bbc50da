import { Pair, Scalar, stringify } from 'yaml';

/** Keys that lead a mapping, in this order; every other key follows alphabetically. */
const LEADING_KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'spec',
  'data',
];

function keyName(pair: Pair): string {
  const key = pair.key;
  return key instanceof Scalar ? String(key.value) : String(key);
}

function rank(key: string): number {
  const index = LEADING_KEYS.indexOf(key);
  return index === -1 ? LEADING_KEYS.length : index;
}

/** Code-unit order, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareKeys(a: Pair, b: Pair): number {
  const ka = keyName(a);
  const kb = keyName(b);
  return rank(ka) - rank(kb) || compareStrings(ka, kb);
}

/**
 * Serialises an object (or a kubernetes-models instance) to YAML with a stable key order:
 * `apiVersion`, `kind`, `metadata`, `name`, `namespace`, `spec`, `data`, then alphabetical.
 * The same input always gives the same bytes.
 */
export function toYaml(value: unknown): string {
  const plain = JSON.parse(JSON.stringify(value));
  return stringify(plain, { lineWidth: 0, sortMapEntries: compareKeys });
}
