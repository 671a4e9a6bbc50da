import fs from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startFleet, Fleet } from '../fleet';
import { argoClient, commitToFleet, stopAndClean, tempDir } from '../testUtils';
import { removeJq, removePointer, threeWay } from './objectJson';

jest.setTimeout(30_000);

type Client = Awaited<ReturnType<typeof argoClient>>;

/** The managed-resources items with their states parsed ("null" → null). */
async function managed(client: Client, app: string, query = '') {
  const res = await client.get(
    `/api/v1/applications/${app}/managed-resources${query}`,
  );
  expect(res.status).toBe(200);
  return {
    body: res.body,
    items: ((res.body.items ?? []) as any[]).map(i => ({
      ...i,
      live: JSON.parse(i.liveState),
      target: JSON.parse(i.targetState),
      normalized: JSON.parse(i.normalizedLiveState),
      predicted: JSON.parse(i.predictedLiveState),
    })),
  };
}

const find = (items: any[], kind: string) => items.find(i => i.kind === kind);

describe('managed resources: target and live states', () => {
  let fleet: Fleet;
  let main: Client;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      argo: { reconcileIntervalMs: 0 },
    });
    main = await argoClient(fleet, 'argocd-main');
  });
  afterAll(() => stopAndClean(fleet));

  it('serves what git renders and what the cluster holds, as Argo CD does', async () => {
    const { items } = await managed(main, 'payments-api-staging');
    expect(items.map(i => [i.group, i.kind, i.namespace, i.name])).toEqual([
      [undefined, 'Service', 'payments-api-staging', 'payments-api'],
      ['apps', 'Deployment', 'payments-api-staging', 'payments-api'],
      [undefined, 'ConfigMap', 'payments-api-staging', 'payments-api-config'],
    ]);
    const dep = find(items, 'Deployment');
    // Go's encoding/json: keys sorted, and `omitempty` leaves out hook and modified when false.
    expect(
      dep.liveState.startsWith('{"apiVersion":"apps/v1","kind":"Deployment"'),
    ).toBe(true);
    expect('hook' in dep).toBe(false);
    expect('modified' in dep).toBe(false);
    expect(dep.target.spec.template.spec.containers[0]).toEqual({
      name: 'payments-api',
      image: 'registry.example.com/payments-api:1.3.2',
      ports: [{ name: 'http', containerPort: 8080 }],
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    });
    expect(dep.target.spec.replicas).toBe(2);
    // The live object carries what the API server adds.
    const meta = dep.live.metadata;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.resourceVersion).toBe(dep.resourceVersion);
    expect(meta.generation).toBeGreaterThan(0);
    expect(meta.creationTimestamp).toMatch(/Z$/);
    expect(
      JSON.parse(
        meta.annotations['kubectl.kubernetes.io/last-applied-configuration'],
      ),
    ).toEqual(dep.target);
    expect(meta.annotations['argocd.argoproj.io/tracking-id']).toBe(
      'payments-api-staging:apps/Deployment:payments-api-staging/payments-api',
    );
    expect(
      meta.managedFields.map((m: any) => [
        m.manager,
        m.operation,
        m.subresource,
      ]),
    ).toEqual([
      ['argocd-controller', 'Update', undefined],
      ['kube-controller-manager', 'Update', 'status'],
    ]);
    expect(meta.managedFields[0].fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(dep.live.spec).toMatchObject({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
    });
    expect(dep.live.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    // Normalized: no status (ignoreResourceStatusField: all), no creationTimestamp; managed
    // fields stay. Synced, so the prediction is the live object itself.
    expect(dep.normalized.status).toBeUndefined();
    expect(dep.normalized.metadata.creationTimestamp).toBeUndefined();
    expect(dep.normalized.metadata.managedFields).toHaveLength(2);
    expect(dep.predictedLiveState).toBe(dep.normalizedLiveState);
    const svc = find(items, 'Service');
    expect(svc.live.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
    });
    expect(svc.live.spec.clusterIP).toMatch(/^10\.96\./);
    expect(svc.predictedLiveState).toBe(svc.normalizedLiveState);
  });

  it('a new image in git: only the Deployment differs, and only in its image', async () => {
    const inst = fleet.internals.instances[0];
    const app = inst.apps.get('payments-api-dev')!;
    const desired = app.desired;
    app.desired = { ...desired, tag: '9.9.9' };
    try {
      const { items } = await managed(main, 'payments-api-dev');
      const dep = find(items, 'Deployment');
      expect(dep.modified).toBe(true);
      expect(find(items, 'Service').modified).toBeUndefined();
      expect(dep.predicted.spec.template.spec.containers[0].image).toBe(
        'registry.example.com/payments-api:9.9.9',
      );
      // Defaults stay on both sides: the image is the whole difference.
      dep.predicted.spec.template.spec.containers[0].image =
        dep.normalized.spec.template.spec.containers[0].image;
      expect(dep.predicted).toEqual(dep.normalized);
    } finally {
      app.desired = desired;
    }
  });

  it('filters by kind, name, namespace and group; an empty answer is items: null', async () => {
    const kinds = async (q: string) =>
      (await managed(main, 'payments-api-dev', q)).items.map(i => i.kind);
    expect(await kinds('?kind=Deployment')).toEqual(['Deployment']);
    expect(await kinds('?group=apps')).toEqual(['Deployment']);
    expect(await kinds('?name=payments-api-config')).toEqual(['ConfigMap']);
    expect(await kinds('?namespace=payments-api-dev')).toHaveLength(3);
    expect(
      (await managed(main, 'payments-api-dev', '?name=nope')).body,
    ).toEqual({
      items: null,
    });
  });

  it("an app-of-apps' resources are its Applications", async () => {
    const { items } = await managed(main, 'root');
    expect(items.map(i => i.kind)).toEqual(
      Array(items.length).fill('Application'),
    );
    expect(items.map(i => i.name)).toContain('payments-api-dev');
    const child = items.find(i => i.name === 'payments-api-dev');
    expect(child.group).toBe('argoproj.io');
    expect(child.live.status.sync.status).toBe('Synced');
    expect(child.modified).toBeUndefined();
  });

  it('ignoreDifferences: a drift on an ignored pointer or a trusted manager leaves the app Synced', async () => {
    await commitToFleet(
      fleet,
      'payments-api dev: HPA owns replicas',
      async dir => {
        const file = path.join(dir, 'argocd/apps/payments-api-dev.yaml');
        const app = parse(await fs.readFile(file, 'utf8'));
        app.spec.ignoreDifferences = [
          {
            group: 'apps',
            kind: 'Deployment',
            jsonPointers: ['/spec/replicas'],
          },
          { kind: 'ConfigMap', managedFieldsManagers: ['config-operator'] },
        ];
        await fs.writeFile(file, stringify(app));
      },
    );
    await fleet.control.pollGit();
    const before = (await main.get('/api/v1/applications/payments-api-dev'))
      .body;
    fleet.control.patchLive('argocd-main', 'payments-api-dev', {
      kind: 'Deployment',
      name: 'payments-api',
      patch: { spec: { replicas: 4 } },
      manager: 'hpa-controller',
    });
    fleet.control.patchLive('argocd-main', 'payments-api-dev', {
      kind: 'ConfigMap',
      name: 'payments-api-config',
      patch: { data: { FEATURE_X: 'on' } },
      manager: 'config-operator',
    });
    const app = (await main.get('/api/v1/applications/payments-api-dev')).body;
    expect(Number(app.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.resources.map((r: any) => r.status)).toEqual([
      'Synced',
      'Synced',
      'Synced',
    ]);
    const { items } = await managed(main, 'payments-api-dev');
    const dep = find(items, 'Deployment');
    expect(dep.live.spec.replicas).toBe(4);
    expect(dep.live.status.replicas).toBe(4);
    // The ignored value is gone from both sides (where the scheme's default then reads 1, as
    // gitops-engine defaults both before comparing).
    expect(dep.normalized.spec.replicas).toBe(1);
    expect(dep.predictedLiveState).toBe(dep.normalizedLiveState);
    expect(dep.modified).toBeUndefined();
    // The manager that changed replicas owns them now.
    const owners = dep.live.metadata.managedFields;
    expect(
      owners.find((m: any) => m.manager === 'hpa-controller').fieldsV1,
    ).toEqual({
      'f:spec': { 'f:replicas': {} },
    });
    expect(owners[0].fieldsV1['f:spec']['f:replicas']).toBeUndefined();
    const cm = find(items, 'ConfigMap');
    expect(cm.live.data.FEATURE_X).toBe('on');
    expect(cm.normalized.data.FEATURE_X).toBeUndefined();
    expect(cm.modified).toBeUndefined();
    // The same change by anyone else counts.
    fleet.control.patchLive('argocd-main', 'payments-api-dev', {
      kind: 'ConfigMap',
      name: 'payments-api-config',
      patch: { data: { ENVIRONMENT: 'production' } },
    });
    const after = (await main.get('/api/v1/applications/payments-api-dev'))
      .body;
    expect(after.status.sync.status).toBe('OutOfSync');
    expect(after.status.resources.map((r: any) => [r.kind, r.status])).toEqual([
      ['Service', 'Synced'],
      ['Deployment', 'Synced'],
      ['ConfigMap', 'OutOfSync'],
    ]);
    const drifted = find(
      (await managed(main, 'payments-api-dev')).items,
      'ConfigMap',
    );
    expect(drifted.modified).toBe(true);
    expect(drifted.normalized.data.ENVIRONMENT).toBe('production');
    expect(drifted.predicted.data.ENVIRONMENT).toBe('dev');
  });

  it('the control route validates its input and names the field', async () => {
    const post = (app: string, body: unknown) =>
      fetch(
        `${fleet.controlUrl}/control/argocd/argocd-prod/applications/${app}/live`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
      ).then(async r => ({ status: r.status, body: (await r.json()) as any }));
    const noPatch = await post('chores-api-prod', {
      kind: 'Deployment',
      name: 'chores-api',
    });
    expect(noPatch.status).toBe(400);
    expect(noPatch.body.error).toMatch(/^patch: /);
    const badName = await post('chores-api-prod', {
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '' } },
    });
    expect(badName.status).toBe(400);
    expect(badName.body.error).toMatch(/^object\.metadata\.name: /);
    const extraField = await post('chores-api-prod', {
      kind: 'Deployment',
      name: 'chores-api',
      patch: {},
      typo: 1,
    });
    expect(extraField.status).toBe(400);
    expect(extraField.body.error).toMatch(/typo/);
    expect(
      (await post('nope', { kind: 'Deployment', name: 'x', patch: {} })).status,
    ).toBe(404);
    expect(
      (
        await post('chores-api-prod', {
          kind: 'Deployment',
          name: 'other',
          patch: {},
        })
      ).body,
    ).toEqual({
      error:
        'Deployment other is not live in chores-api-prod for chores-api-prod',
    });
    const ok = await post('chores-api-prod', {
      kind: 'Deployment',
      name: 'chores-api',
      patch: {
        spec: {
          template: {
            spec: { containers: [{ name: 'chores-api', image: 'evil:1' }] },
          },
        },
      },
      type: 'strategic',
    });
    expect(ok).toEqual({ status: 200, body: { ok: true } });
    const prod = await argoClient(fleet, 'argocd-prod');
    const dep = find(
      (await managed(prod, 'chores-api-prod')).items,
      'Deployment',
    );
    // A strategic patch merges the container by name: its other fields stay.
    expect(dep.live.spec.template.spec.containers[0]).toMatchObject({
      image: 'evil:1',
      ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    });
    expect(dep.modified).toBe(true);
  });
});

describe('diff helpers', () => {
  it('removes JSON pointers and jq paths, and a missing path is no error', () => {
    const o = {
      spec: {
        replicas: 3,
        containers: [
          { name: 'a', image: 'a:1', env: [{ name: 'X' }] },
          { name: 'b', image: 'b:1' },
        ],
      },
      metadata: { annotations: { 'a/b': 'x', c: 'y' } },
    };
    removePointer(o, '/spec/replicas');
    removePointer(o, '/metadata/annotations/a~1b');
    removePointer(o, '/spec/nothing/here');
    removeJq(o, '.spec.containers[] | select(.name == "b").image');
    removeJq(o, '.spec.containers[0].env');
    expect(o).toEqual({
      spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b' }] },
      metadata: { annotations: { c: 'y' } },
    });
  });

  it('three-way: fields dropped from git are removed, what others added stays', () => {
    const orig = { spec: { a: 1, b: 2, containers: [{ name: 'x', v: 1 }] } };
    const config = { spec: { a: 5, containers: [{ name: 'x', v: 2 }] } };
    const live = {
      spec: {
        a: 1,
        b: 2,
        c: 3,
        containers: [{ name: 'x', v: 1, d: 0 }, { name: 'y' }],
      },
    };
    // Lists with a merge key merge by it (a sidecar someone injected stays); others are replaced.
    expect(threeWay(orig, config, live)).toEqual({
      spec: {
        a: 5,
        c: 3,
        containers: [{ name: 'x', v: 2, d: 0 }, { name: 'y' }],
      },
    });
    expect(threeWay({ l: [1] }, { l: [2] }, { l: [1, 3] })).toEqual({ l: [2] });
  });
});
