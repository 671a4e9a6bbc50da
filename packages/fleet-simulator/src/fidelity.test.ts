import fs from 'node:fs';
import path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { startFleet, Fleet } from './fleet';
import {
  argoClient,
  fleetFetch,
  openRawStream,
  sseMessages,
  stopAndClean,
  tempDir,
} from './testUtils';

jest.setTimeout(30_000);

const contracts = path.resolve(__dirname, '../../../../shared/contracts');
const readJson = (p: string) =>
  JSON.parse(fs.readFileSync(path.join(contracts, p), 'utf8'));
const readYaml = (p: string) =>
  parse(fs.readFileSync(path.join(contracts, p), 'utf8'));

/** Ajv's validators are type guards; this keeps the value's type intact in callers. */
const isValid = (validate: (v: unknown) => boolean, value: unknown): boolean =>
  validate(value);

/**
 * Swagger 2.0 has no additionalProperties: false, so unknown (misspelt) fields would pass.
 * Close every object that lists its properties, inlining allOf parents first.
 */
function strictDefinitions(defs: Record<string, any>) {
  const out = JSON.parse(JSON.stringify(defs));
  for (const d of Object.values<any>(out)) {
    if (d.allOf) {
      for (const part of d.allOf) {
        const ref = part.$ref
          ? out[part.$ref.replace('#/definitions/', '')]
          : part;
        d.properties = { ...(ref.properties ?? {}), ...(d.properties ?? {}) };
      }
      delete d.allOf;
    }
  }
  for (const d of Object.values<any>(out)) {
    if (
      d.type === 'object' &&
      d.properties &&
      d.additionalProperties === undefined
    )
      d.additionalProperties = false;
  }
  return out;
}

function argoValidator() {
  const swagger = readJson('argocd/swagger.json');
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of [
    'int64',
    'int32',
    'uint64',
    'uint32',
    'byte',
    'double',
    'float',
  ])
    ajv.addFormat(f, true);
  ajv.addSchema(
    { definitions: strictDefinitions(swagger.definitions) },
    'argo',
  );
  const streamSchema =
    swagger.paths['/api/v1/stream/applications'].get.responses['200'].schema;
  return (definition: string | object, value: unknown) => {
    const schema =
      typeof definition === 'string'
        ? { $ref: `argo#/definitions/${definition}` }
        : definition;
    const validate = ajv.compile(schema);
    const ok = validate(value);
    return {
      ok,
      errors: JSON.stringify(validate.errors?.slice(0, 5)),
      streamSchema,
    };
  };
}

describe('fidelity against the upstream contracts', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 3,
    });
  });
  afterAll(() => stopAndClean(fleet));

  it('every Argo CD route answers with the swagger definition', async () => {
    const check = argoValidator();
    const expectValid = (def: string | object, value: unknown) => {
      const r = check(def, value);
      if (!r.ok)
        throw new Error(
          `${typeof def === 'string' ? def : 'schema'}: ${r.errors}`,
        );
    };
    // The closed schemas really reject misspelt fields and wrong types.
    expect(
      check('v1alpha1Application', { metadata: { name: 'x' }, stauts: {} }).ok,
    ).toBe(false);
    expect(check('v1alpha1RevisionHistory', { id: '3' }).ok).toBe(false);
    const main = await argoClient(fleet, 'argocd-main');
    const prod = await argoClient(fleet, 'argocd-prod');
    const a = fleet.argo[0];
    const session = await fleetFetch(fleet, `${a.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: a.username, password: a.password }),
    });
    expectValid('sessionSessionResponse', await session.json());
    expectValid('versionVersionMessage', (await main.get('/api/version')).body);
    expectValid(
      'sessionGetUserInfoResponse',
      (await main.get('/api/v1/session/userinfo')).body,
    );
    for (const c of [main, prod]) {
      const list = (await c.get('/api/v1/applications')).body;
      expect(list.items.length).toBeGreaterThan(3);
      expectValid('v1alpha1ApplicationList', list);
    }
    // Real Argo answers `"items": null` for an empty list (Go nil slice), which the swagger's
    // `type: array` does not admit; check the null, then the rest of the document.
    const { items, ...emptyRest } = (
      await main.get('/api/v1/applications?selector=app%3Dnone')
    ).body;
    expect(items).toBeNull();
    expectValid('v1alpha1ApplicationList', emptyRest);
    expectValid(
      'v1alpha1ApplicationList',
      (
        await main.get(
          '/api/v1/applications?fields=items.metadata.name,metadata.resourceVersion',
        )
      ).body,
    );
    for (const name of [
      'payments-api-dev',
      'chores-api-staging',
      'schedule-bot-dev',
      'root',
    ]) {
      expectValid(
        'v1alpha1Application',
        (await main.get(`/api/v1/applications/${name}`)).body,
      );
      expectValid(
        'v1alpha1ApplicationTree',
        (await main.get(`/api/v1/applications/${name}/resource-tree`)).body,
      );
      expectValid(
        'applicationManagedResourcesResponse',
        (await main.get(`/api/v1/applications/${name}/managed-resources`)).body,
      );
    }
    const app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    const rev = app.status.history.at(-1).revision; // the 1.3.0 promotion, tagged in the seed
    const meta = (
      await prod.get(
        `/api/v1/applications/payments-api-prod/revisions/${rev}/metadata`,
      )
    ).body;
    expect(meta.tags).toEqual(['release-2026.11.1']);
    expectValid('v1alpha1RevisionMetadata', meta);
    const synced = await prod.post(
      '/api/v1/applications/payments-api-prod/sync',
      { prune: true },
    );
    expectValid('v1alpha1Application', synced.body);
    await fleet.clock.advance(20_000);
    const done = (await prod.get('/api/v1/applications/payments-api-prod'))
      .body;
    expectValid('v1alpha1Application', done);
    const rolled = await prod.post(
      '/api/v1/applications/payments-api-prod/rollback',
      { id: done.status.history[0].id },
    );
    expectValid('v1alpha1Application', rolled.body);
    expectValid(
      'runtimeError',
      (await prod.get('/api/v1/applications/nope')).body,
    );
    expectValid(
      'runtimeError',
      (await prod.post('/api/v1/applications/payments-api-prod/sync', {})).body,
    );

    // One stream event, validated against the route's "Stream result of" schema.
    const res = await fleetFetch(
      fleet,
      `${main.url}/api/v1/stream/applications?name=payments-api-dev`,
      { headers: { authorization: `Bearer ${main.token}` } },
    );
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const line = Buffer.from(value!).toString().split('\n\n')[0];
    const stream = check('versionVersionMessage', {}).streamSchema;
    const ev = JSON.parse(line.replace(/^data: /, ''));
    expect(ev.result.type).toBe('ADDED');
    expectValid(
      {
        ...stream,
        properties: {
          result: { $ref: 'argo#/definitions/v1alpha1ApplicationWatchEvent' },
          error: { $ref: 'argo#/definitions/runtimeStreamError' },
        },
        additionalProperties: false,
      },
      ev,
    );
    // The gateway's error chunk, validated against the same schema.
    const sse = openRawStream(
      `${main.url}/api/v1/stream/applications?name=payments-api-dev`,
      { authorization: `Bearer ${main.token}`, accept: 'text/event-stream' },
      { ca: fleet.tls?.caCert },
    );
    await sse.waitFor(t => t.includes('\n\n\n'));
    await fleet.control.setFault('argocd-main', {
      streamError: { code: 14, message: 'transport is closing' },
    });
    await sse.ended;
    await fleet.control.clearFaults();
    const chunk = sseMessages(sse.text())[1];
    expect(Object.keys(chunk)).toEqual(['error']);
    expectValid(
      {
        type: 'object',
        properties: {
          error: { $ref: 'argo#/definitions/runtimeStreamError' },
        },
        required: ['error'],
        additionalProperties: false,
      },
      chunk,
    );
    // A list projected with the product's fields is still an ApplicationList.
    const fields = [
      'metadata.resourceVersion',
      ...[
        'metadata.name',
        'metadata.namespace',
        'metadata.labels',
        'spec',
        'status.sync.status',
        'status.sync.revision',
        'status.health',
        'status.summary',
        'status.operationState.phase',
        'status.operationState.startedAt',
        'status.operationState.finishedAt',
      ].map(f => `items.${f}`),
    ].join(',');
    expectValid(
      'v1alpha1ApplicationList',
      (await main.get(`/api/v1/applications?fields=${fields}`)).body,
    );
  });

  it('Applications also satisfy the Application CRD schema', async () => {
    const crd = readYaml('argocd/crds/application-crd.yaml');
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(crd.spec.versions[0].schema.openAPIV3Schema);
    const main = await argoClient(fleet, 'argocd-main');
    const items: any[] = (await main.get('/api/v1/applications')).body.items;
    const invalid = items
      .filter(
        item =>
          !isValid(validate, {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Application',
            ...item,
          }),
      )
      .map(
        item =>
          `${item.metadata.name}: ${JSON.stringify(
            validate.errors?.slice(0, 3),
          )}`,
      );
    expect(items.length).toBeGreaterThan(5);
    expect(invalid).toEqual([]);
  });

  it('every Velero object validates against its CRD', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const kube of fleet.kube) {
      for (const plural of [
        'backups',
        'schedules',
        'restores',
        'backupstoragelocations',
      ]) {
        const crd = readYaml(`velero/velero.io_${plural}.yaml`);
        const validate = ajv.compile(
          crd.spec.versions[0].schema.openAPIV3Schema,
        );
        const res = await fleetFetch(
          fleet,
          `${kube.url}/apis/velero.io/v1/namespaces/velero/${plural}`,
          { headers: { authorization: `Bearer ${kube.token}` } },
        );
        const list = (await res.json()) as any;
        expect(list.kind).toBe(`${crd.spec.names.kind}List`);
        expect(list.items.length).toBeGreaterThan(0);
        const invalid = list.items
          .filter(
            (item: any) =>
              item.kind !== crd.spec.names.kind || !isValid(validate, item),
          )
          .map(
            (item: any) =>
              `${plural}/${item.metadata.name}: ${JSON.stringify(
                validate.errors?.slice(0, 3),
              )}`,
          );
        expect(invalid).toEqual([]);
      }
    }
  });

  it('cost responses validate against the OpenCost swagger and carry the example fields', async () => {
    const swagger = readJson('opencost/swagger.json');
    const example = readJson('opencost/allocation-example-output.json');
    const exampleKeys = Object.keys(Object.values<any>(example.data[0])[0]);
    const ajv = new Ajv({ strict: false, allErrors: true });
    const response = ajv.compile(
      swagger.components.schemas.inline_response_200,
    );
    const allocation = ajv.compile(
      swagger.components.schemas.inline_response_200.properties.data.items
        .properties.opencost,
    );
    const queries = [
      '/model/allocation?window=7d&aggregate=namespace',
      '/model/allocation?window=today&aggregate=label:app&idle=true',
      '/allocation/compute?window=24h&aggregate=namespace,label:environment&step=6h&includeIdle=true',
      '/allocation?window=lastweek&aggregate=cluster&accumulate=true&shareIdle=true',
    ];
    for (const c of fleet.cost) {
      for (const q of queries) {
        const body: any = await (
          await fleetFetch(fleet, `${c.url}${q}`)
        ).json();
        expect(isValid(response, body) ? [] : response.errors).toEqual([]);
        expect(body.code).toBe(200);
        for (const set of body.data) {
          for (const a of Object.values<any>(set)) {
            expect(
              isValid(allocation, a) ? [] : [q, allocation.errors],
            ).toEqual([]);
            for (const k of exampleKeys) expect(a).toHaveProperty(k);
          }
        }
      }
    }
  });
});
