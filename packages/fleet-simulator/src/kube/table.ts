import type { Conversion } from './negotiate';
import {
  CREATION_DESCRIPTION,
  type PrinterColumn,
  type TableSchema,
} from './crds';

/**
 * Server-side printing as kube-apiserver does it for custom resources
 * (apiextensions-apiserver `tableconvertor`, apiserver `handlers/response.go`): a
 * `meta.k8s.io` Table with a Name column, then the CRD's additionalPrinterColumns (or the
 * server's default, Age), and one row per object carrying the object's metadata as a
 * PartialObjectMetadata (`includeObject=Metadata`, the default), the whole object (`Object`) or
 * nothing (`None`).
 */

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

/** The columns the API server serves for a CRD without additionalPrinterColumns. */
const DEFAULT_COLUMNS: PrinterColumn[] = [
  {
    name: 'Age',
    type: 'date',
    description: CREATION_DESCRIPTION,
    jsonPath: '.metadata.creationTimestamp',
  },
];

export type IncludeObject = 'Metadata' | 'Object' | 'None';

export interface TableOptions {
  includeObject: IncludeObject;
  /** Set by the watch after its first event: later Tables carry no columnDefinitions. */
  noHeaders: boolean;
}

/** `includeObject` from the query, or the 400 message the API server answers for a bad one. */
export function tableOptions(
  includeObject: unknown,
): TableOptions | { error: string } {
  const v = typeof includeObject === 'string' ? includeObject : '';
  if (v === '' || v === 'Metadata' || v === 'Object' || v === 'None')
    return { includeObject: v || 'Metadata', noHeaders: false };
  return {
    error: `Unable to convert to Table as requested: includeObject: Invalid value: "${v}": must be 'Metadata', 'Object', 'None', or empty`,
  };
}

const columnsOf = (crd: TableSchema) =>
  crd.printerColumns.length ? crd.printerColumns : DEFAULT_COLUMNS;

export function columnDefinitions(crd: TableSchema) {
  return [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: NAME_DESCRIPTION,
      priority: 0,
    },
    ...columnsOf(crd).map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description:
        c.description ||
        `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
}

/** k8s.io/apimachinery `duration.HumanDuration` ("45s", "5m30s", "3h", "6d2h", "2y"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** metav1.Time from a query parameter, then ConvertToHumanReadableDateType. */
function dateCell(value: string, nowMs: number): string {
  if (value === '' || value === 'null') return '<unknown>';
  if (!RFC3339.test(value)) return '<invalid>';
  return humanDuration(nowMs - Date.parse(value));
}

/** A simple JSONPath (`.status.phase`) with missing keys allowed. */
function lookup(obj: any, jsonPath: string): { found: boolean; value?: any } {
  let cur = obj;
  for (const key of jsonPath.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object' || !(key in cur))
      return { found: false };
    cur = cur[key];
  }
  return { found: true, value: cur };
}

/** One cell, as the CRD table convertor types it (a missing or mistyped value is null). */
function cell(column: PrinterColumn, obj: any, nowMs: number): unknown {
  const { found, value } = lookup(obj, column.jsonPath);
  if (column.age)
    return typeof value === 'string' ? dateCell(value, nowMs) : '<unknown>';
  if (!found || value === null || value === undefined) return null;
  switch (column.type) {
    case 'string':
      // jsonpath's PrintResults: text for scalars, JSON for maps and lists.
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'date':
      return typeof value === 'string' ? dateCell(value, nowMs) : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    default:
      return null;
  }
}

const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === 0 ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && Object.keys(v as object).length === 0);

/**
 * A typed ObjectMeta as Go marshals it: field order, empty fields left out (omitempty), and
 * creationTimestamp null when unset (a struct is never empty to encoding/json).
 */
function objectMeta(m: Record<string, any> = {}) {
  const out: Record<string, any> = {};
  for (const k of META_ORDER) {
    if (k === 'creationTimestamp') out[k] = m[k] ?? null;
    else if (!isEmpty(m[k])) out[k] = m[k];
  }
  return out;
}

export function partialObjectMetadata(obj: any, apiVersion: string) {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion,
    metadata: objectMeta(obj?.metadata),
  };
}

/** `as=PartialObjectMetadataList` of a list. */
export function partialObjectMetadataList(
  items: any[],
  listMeta: Record<string, unknown>,
  apiVersion: string,
) {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion,
    metadata: listMeta,
    items: items.map(o => partialObjectMetadata(o, apiVersion)),
  };
}

/**
 * The Table for a list (`items`, with the list's metadata) or for one object (its
 * resourceVersion becomes the Table's). `nowMs` is the server's clock, which ages are relative to.
 */
export function toTable(d: {
  crd: TableSchema;
  items: any[];
  listMeta: Record<string, unknown>;
  options: TableOptions;
  apiVersion: string;
  nowMs: number;
}) {
  const columns = columnsOf(d.crd);
  const rowObject = (o: any) => {
    if (d.options.includeObject === 'Object') return o;
    if (d.options.includeObject === 'None') return null;
    return partialObjectMetadata(o, d.apiVersion);
  };
  return {
    kind: 'Table',
    apiVersion: d.apiVersion,
    metadata: d.listMeta,
    columnDefinitions: d.options.noHeaders ? null : columnDefinitions(d.crd),
    rows: d.items.map(o => ({
      cells: [
        o?.metadata?.name ?? '',
        ...columns.map(c => cell(c, o, d.nowMs)),
      ],
      object: rowObject(o),
    })),
  };
}

/**
 * What a watch event's object becomes under a conversion (a Status, e.g. the 410, is never
 * converted). A Table watch turns off the headers after its first event, as the API server's
 * watch encoder does.
 */
export function convertEventObject(d: {
  conversion: Conversion | null;
  crd: TableSchema;
  object: any;
  options?: TableOptions;
  nowMs: number;
}): unknown {
  const { conversion: c, object } = d;
  if (!c || object?.kind === 'Status') return object;
  const apiVersion = `${c.group}/${c.version}`;
  if (c.kind === 'PartialObjectMetadata')
    return partialObjectMetadata(object, apiVersion);
  // An event's object is no list: that transform fails and the encoder sends the object.
  if (c.kind === 'PartialObjectMetadataList') return object;
  const options = d.options ?? { includeObject: 'Metadata', noHeaders: false };
  const rv = object?.metadata?.resourceVersion;
  const table = toTable({
    crd: d.crd,
    items: [object],
    listMeta: rv ? { resourceVersion: rv } : {},
    options,
    apiVersion,
    nowMs: d.nowMs,
  });
  options.noHeaders = true;
  return table;
}
