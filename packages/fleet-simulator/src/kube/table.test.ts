import { CRDS, NAMESPACE_TABLE } from './crds';
import {
  discoveryConversions,
  negotiate,
  parseAccept,
  resourceConversions,
} from './negotiate';
import {
  convertEventObject,
  humanDuration,
  tableOptions,
  toTable,
} from './table';

const KUBECTL_GET =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const KUBECTL_DISCOVERY =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('content negotiation', () => {
  it("kubectl get's Accept: a v1 Table from a resource", () => {
    expect(negotiate(KUBECTL_GET, resourceConversions)).toEqual({
      group: 'meta.k8s.io',
      version: 'v1',
      kind: 'Table',
    });
  });

  it('a conversion the endpoint does not offer falls through to plain JSON', () => {
    expect(negotiate(KUBECTL_GET, discoveryConversions)).toBeNull();
    expect(negotiate(KUBECTL_DISCOVERY, resourceConversions)).toBeNull();
    expect(negotiate(KUBECTL_DISCOVERY, discoveryConversions)).toMatchObject({
      version: 'v2',
    });
    // Only a conversion nobody offers, and no plain clause: not acceptable.
    expect(
      negotiate('application/json;as=Table;g=example.com;v=v1', () => false),
    ).toBeUndefined();
  });

  it('q values order the clauses; wildcards count as JSON', () => {
    expect(
      negotiate(
        'application/json;q=0.5,application/json;as=Table;v=v1beta1;g=meta.k8s.io',
        resourceConversions,
      ),
    ).toMatchObject({ version: 'v1beta1' });
    expect(negotiate('*/*', resourceConversions)).toBeNull();
    expect(negotiate(undefined, resourceConversions)).toBeNull();
    expect(parseAccept('text/plain;q=0.1, */*').map(c => c.type)).toEqual([
      '*',
      'text',
    ]);
  });
});

describe('server-side printing (Table)', () => {
  it('humanDuration as k8s.io/apimachinery prints ages', () => {
    const s = 1000;
    const m = 60 * s;
    const h = 60 * m;
    const d = 24 * h;
    const cases: Array<[number, string]> = [
      [-3 * s, '<invalid>'],
      [-1500, '0s'],
      [0, '0s'],
      [119 * s, '119s'],
      [2 * m, '2m'],
      [5 * m + 30 * s, '5m30s'],
      [10 * m + 30 * s, '10m'],
      [179 * m, '179m'],
      [3 * h, '3h'],
      [7 * h + 59 * m, '7h59m'],
      [8 * h + 30 * m, '8h'],
      [47 * h, '47h'],
      [2 * d, '2d'],
      [6 * d + 8 * h, '6d8h'],
      [8 * d, '8d'],
      [729 * d, '729d'],
      [3 * 365 * d + 2 * d, '3y2d'],
      [9 * 365 * d, '9y'],
    ];
    for (const [ms, text] of cases)
      expect([ms, humanDuration(ms)]).toEqual([ms, text]);
  });

  const now = Date.parse('2026-11-23T10:00:00Z');
  const schedule = {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: {
      name: 'payments-api-prod-daily',
      namespace: 'velero',
      uid: 'u-1',
      resourceVersion: '5001',
      generation: 1,
      creationTimestamp: '2026-11-15T10:00:00Z',
      labels: { 'app.kubernetes.io/managed-by': 'gitops' },
    },
    spec: { schedule: '0 2 * * *', paused: false, template: {} },
    status: { phase: 'Enabled', lastBackup: '2026-11-23T02:00:00Z' },
  };
  const options = () => ({
    includeObject: 'Metadata' as const,
    noHeaders: false,
  });

  it("a Schedule: Name, then the CRD's columns, typed cells and the metadata as the row object", () => {
    const t = toTable({
      crd: CRDS.schedules,
      items: [schedule, { metadata: { name: 'bare' } }],
      listMeta: { resourceVersion: '5009' },
      options: options(),
      apiVersion: 'meta.k8s.io/v1',
      nowMs: now,
    });
    expect(t.kind).toBe('Table');
    expect(t.metadata).toEqual({ resourceVersion: '5009' });
    expect(t.columnDefinitions!.map(c => [c.name, c.type, c.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Status', 'string', ''],
      ['Schedule', 'string', ''],
      ['LastBackup', 'date', ''],
      ['Age', 'date', ''],
      ['Paused', 'boolean', ''],
    ]);
    // A column without a description gets the convertor's generated one.
    expect(t.columnDefinitions![4].description).toBe(
      'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp',
    );
    expect(t.rows[0].cells).toEqual([
      'payments-api-prod-daily',
      'Enabled',
      '0 2 * * *',
      '8h',
      '8d',
      false,
    ]);
    expect(t.rows[0].object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: {
        name: 'payments-api-prod-daily',
        namespace: 'velero',
        uid: 'u-1',
        resourceVersion: '5001',
        generation: 1,
        creationTimestamp: '2026-11-15T10:00:00Z',
        labels: { 'app.kubernetes.io/managed-by': 'gitops' },
      },
    });
    // Missing values are null cells; an unset creationTimestamp is null in ObjectMeta.
    expect(t.rows[1].cells).toEqual(['bare', null, null, null, null, null]);
    expect(t.rows[1].object.metadata).toEqual({
      name: 'bare',
      creationTimestamp: null,
    });
  });

  it('a CRD without printer columns gets Age; built-in Namespace ages are strings', () => {
    const t = toTable({
      crd: CRDS.backups,
      items: [{ metadata: { name: 'b', creationTimestamp: 'not a time' } }],
      listMeta: {},
      options: { includeObject: 'None', noHeaders: false },
      apiVersion: 'meta.k8s.io/v1',
      nowMs: now,
    });
    expect(t.columnDefinitions!.map(c => c.name)).toEqual(['Name', 'Age']);
    expect(t.columnDefinitions![1].description).toMatch(/^CreationTimestamp/);
    expect(t.rows).toEqual([{ cells: ['b', '<invalid>'], object: null }]);
    const ns = toTable({
      crd: NAMESPACE_TABLE,
      items: [{ metadata: { name: 'velero' }, status: { phase: 'Active' } }],
      listMeta: {},
      options: { includeObject: 'Object', noHeaders: false },
      apiVersion: 'meta.k8s.io/v1',
      nowMs: now,
    });
    expect(ns.columnDefinitions!.map(c => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Status', 'string'],
      ['Age', 'string'],
    ]);
    expect(ns.rows[0].cells).toEqual(['velero', 'Active', '<unknown>']);
    // includeObject=Object: the whole object, not just its metadata.
    expect(ns.rows[0].object).toEqual({
      metadata: { name: 'velero' },
      status: { phase: 'Active' },
    });
  });

  it('includeObject: the 400 message for an unknown value', () => {
    expect(tableOptions(undefined)).toEqual(options());
    expect(tableOptions('Object')).toMatchObject({ includeObject: 'Object' });
    expect(tableOptions('Everything')).toEqual({
      error:
        "Unable to convert to Table as requested: includeObject: Invalid value: \"Everything\": must be 'Metadata', 'Object', 'None', or empty",
    });
  });

  it('watch events: headers on the first Table only, a Status is never converted', () => {
    const conversion = {
      group: 'meta.k8s.io',
      version: 'v1',
      kind: 'Table',
    };
    const opts = options();
    const convert = (object: any) =>
      convertEventObject({
        conversion,
        crd: CRDS.schedules,
        object,
        options: opts,
        nowMs: now,
      }) as any;
    const first = convert(schedule);
    const second = convert(schedule);
    expect(first.columnDefinitions).toHaveLength(6);
    expect(second.columnDefinitions).toBeNull();
    expect(second.metadata).toEqual({ resourceVersion: '5001' });
    const status = { kind: 'Status', apiVersion: 'v1', code: 410 };
    expect(convert(status)).toBe(status);
    expect(
      convertEventObject({
        conversion: { ...conversion, kind: 'PartialObjectMetadata' },
        crd: CRDS.schedules,
        object: schedule,
        nowMs: now,
      }),
    ).toMatchObject({ kind: 'PartialObjectMetadata' });
  });
});
