import { cmp } from '../util/fields';
import type { SimApp } from './app';

/**
 * The `fields` query parameter as argoproj/pkg's gateway marshaler reads it: only the first
 * `fields` value, split on commas with no trimming; a leading `-` turns it into an exclusion.
 */
export interface FieldSelection {
  fields: Set<string>;
  exclude: boolean;
  /** The raw parameter, a cache key. */
  key: string;
}

export function parseFieldsParam(v: unknown): FieldSelection | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  let raw = typeof first === 'string' ? first : '';
  if (!raw) return undefined;
  const key = raw;
  const exclude = raw.startsWith('-');
  if (exclude) raw = raw.slice(1);
  return { fields: new Set(raw.split(',')), exclude, key };
}

/** A field whose value is Go's untyped nil: the key is not written at all. */
const SKIP = Symbol('skip');
type Getter = (o: any) => unknown;

const sorted = (m: Record<string, string> | undefined) =>
  m ? Object.fromEntries(Object.entries(m).sort(([a], [b]) => cmp(a, b))) : m;
const op = (o: any, f: (s: any) => unknown) =>
  o.status?.operationState ? f(o.status.operationState) : SKIP;

/**
 * argo-cd v3.5.1 `appFields` (pkg/apiclient/application/forwarder_overwrite.go): the only keys a
 * list's `fields` can select. A Go typed nil (nil map, pointer or slice) is written as `null`;
 * an untyped nil (no operationState, no operation, no resources) leaves the key out; a zero
 * struct is `{}` and an empty string `""`. Go maps (labels, annotations) have sorted keys.
 */
const APP_FIELDS: Array<[string, Getter]> = [
  ['metadata.name', o => o.metadata.name ?? ''],
  ['metadata.namespace', o => o.metadata.namespace ?? ''],
  ['metadata.annotations', o => sorted(o.metadata.annotations) ?? null],
  ['metadata.labels', o => sorted(o.metadata.labels) ?? null],
  ['metadata.creationTimestamp', o => o.metadata.creationTimestamp ?? null],
  ['metadata.deletionTimestamp', o => o.metadata.deletionTimestamp ?? null],
  ['spec', o => o.spec ?? {}],
  ['spec.destination', o => o.spec?.destination ?? {}],
  ['spec.project', o => o.spec?.project ?? ''],
  ['spec.source', o => o.spec?.source ?? null],
  ['spec.sources', o => o.spec?.sources ?? null],
  ['spec.sourceHydrator', o => o.spec?.sourceHydrator ?? null],
  ['spec.syncPolicy', o => o.spec?.syncPolicy ?? null],
  ['status.sourceHydrator', o => o.status?.sourceHydrator ?? {}],
  ['status.summary', o => o.status?.summary ?? {}],
  ['status.sync.status', o => o.status?.sync?.status ?? ''],
  ['status.sync.revision', o => o.status?.sync?.revision ?? ''],
  ['status.health', o => o.status?.health ?? {}],
  ['status.operationState.startedAt', o => op(o, s => s.startedAt ?? null)],
  ['status.operationState.finishedAt', o => op(o, s => s.finishedAt ?? null)],
  [
    'status.resources',
    o => (o.status?.resources?.length ? o.status.resources : SKIP),
  ],
  ['operation.sync', o => (o.operation ? o.operation.sync ?? null : SKIP)],
  ['status.operationState.phase', o => op(o, s => s.phase ?? '')],
  // Upstream maps this key to the operation's syncResult (sic).
  [
    'status.operationState.operation.sync',
    o => op(o, s => s.syncResult ?? null),
  ],
];

/** The map keys, as tests and the README list them. */
export const APP_FIELD_KEYS = APP_FIELDS.map(([k]) => k);

/** The keys a selection includes (`items.` + map key), in Go's sorted output order. */
function included(sel: FieldSelection): Array<[string, Getter]> {
  return APP_FIELDS.filter(
    ([k]) => sel.fields.has(`items.${k}`) !== sel.exclude,
  ).sort(([a], [b]) => cmp(a, b));
}

function project(o: any, picks: Array<[string, Getter]>): string {
  const out: Record<string, any> = {};
  // Maps built here, as opposed to values (which are never written into).
  const built = new Set<object>([out]);
  for (const [path, get] of picks) {
    const value = get(o);
    if (value === SKIP) continue;
    const parts = path.split('.');
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      if (!built.has(node[parts[i]])) {
        node[parts[i]] = {};
        built.add(node[parts[i]]);
      }
      node = node[parts[i]];
    }
    node[parts[parts.length - 1]] = value;
  }
  return JSON.stringify(out);
}

/**
 * A projected list as v3.5.1's `processApplicationListField` builds it: a Go map
 * `{"items": [...], "metadata": ListMeta}` (so `items` first), items holding only the selected
 * map keys; no items is `"items":null`. Go iterates the map in random order per item: when both
 * `spec` and a `spec.*` key are selected, an item fails ("field spec.x is not a map") unless every
 * `spec.*` key came first, and one failing item fails the answer. Returns undefined then.
 */
export function projectList(
  apps: SimApp[],
  resourceVersion: string,
  sel: FieldSelection,
  rand: () => number,
): Buffer | undefined {
  const picks = included(sel);
  const hasSpec = picks.some(([k]) => k === 'spec');
  const specKeys = picks.filter(([k]) => k.startsWith('spec.')).length;
  const cacheKey = `fields:${sel.key}`;
  const parts: string[] = [];
  for (const a of apps) {
    if (hasSpec && specKeys && rand() >= 1 / (specKeys + 1)) return undefined;
    const cache = (a.projections ??= new Map());
    let item = cache.get(cacheKey);
    if (item === undefined) {
      // Conflicting keys end with `spec` written last (the only order that succeeds).
      item = project(
        a.obj,
        hasSpec && specKeys
          ? [
              ...picks.filter(([k]) => k !== 'spec'),
              ...picks.filter(([k]) => k === 'spec'),
            ]
          : picks,
      );
      cache.set(cacheKey, item);
    }
    parts.push(item);
  }
  const items = parts.length ? `[${parts.join(',')}]` : 'null';
  return Buffer.from(
    `{"items":${items},"metadata":${JSON.stringify({ resourceVersion })}}`,
  );
}
