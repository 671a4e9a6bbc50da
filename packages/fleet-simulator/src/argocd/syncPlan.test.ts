import { planSync, requiredSecrets, runSync, type Manifest } from './syncPlan';

const obj = (
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  spec?: unknown,
): Manifest => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'v1',
  kind,
  metadata: { name, annotations },
  ...(spec ? { spec } : {}),
});

const jobReading = (secret: string) => ({
  template: {
    spec: {
      containers: [
        {
          name: 'c',
          env: [
            {
              name: 'DATABASE_URL',
              valueFrom: { secretKeyRef: { name: secret, key: 'url' } },
            },
          ],
        },
      ],
    },
  },
});

const order = (manifests: Manifest[]) =>
  planSync(manifests).map(
    t => `${t.phase}:${t.wave}:${t.manifest.kind}/${t.manifest.metadata.name}`,
  );

describe('planSync: Argo CD’s order of a sync’s tasks', () => {
  it('orders by phase first, then wave, then kind, then name', () => {
    expect(
      order([
        obj('Deployment', 'app', { 'argocd.argoproj.io/sync-wave': '2' }),
        obj('Job', 'migrate', {
          'argocd.argoproj.io/hook': 'PreSync',
          'argocd.argoproj.io/sync-wave': '1',
        }),
        obj('Secret', 'db', { 'argocd.argoproj.io/sync-wave': '0' }),
        obj('Job', 'smoke', { 'argocd.argoproj.io/hook': 'PostSync' }),
        obj('Service', 'b'),
        obj('ServiceAccount', 'a'),
        obj('Job', 'notify', { 'argocd.argoproj.io/hook': 'SyncFail' }),
        obj('ConfigMap', 'skipped', { 'argocd.argoproj.io/hook': 'Skip' }),
        obj('Job', 'seed', { 'argocd.argoproj.io/sync-wave': '-1' }),
      ]),
    ).toEqual([
      // A PreSync hook before every Sync-phase resource, whatever their waves.
      'PreSync:1:Job/migrate',
      'Sync:-1:Job/seed',
      'Sync:0:ServiceAccount/a',
      'Sync:0:Secret/db',
      'Sync:0:Service/b',
      'Sync:2:Deployment/app',
      'PostSync:0:Job/smoke',
      'SyncFail:0:Job/notify',
    ]);
  });

  it('runs a resource with several hook types once per phase', () => {
    expect(
      order([
        obj('Job', 'check', { 'argocd.argoproj.io/hook': 'PreSync,PostSync' }),
      ]),
    ).toEqual(['PreSync:0:Job/check', 'PostSync:0:Job/check']);
  });
});

describe('runSync', () => {
  it('fails a PreSync hook that reads a Secret the Sync phase creates, and applies nothing after it', () => {
    const secrets = new Set<string>();
    const out = runSync(
      planSync([
        obj(
          'Job',
          'migrate',
          { 'argocd.argoproj.io/hook': 'PreSync' },
          jobReading('db'),
        ),
        {
          ...obj('ExternalSecret', 'db-source'),
          apiVersion: 'external-secrets.io/v1',
          spec: { target: { name: 'db' } },
        },
        obj('Deployment', 'app'),
        obj('Job', 'notify', { 'argocd.argoproj.io/hook': 'SyncFail' }),
      ]),
      { namespace: 'ns', secrets },
    );
    expect(out.phase).toBe('Failed');
    expect(out.message).toBe(
      'one or more synchronization tasks completed unsuccessfully, reason: PreSync hook Job/migrate failed',
    );
    expect(
      out.resources.map(r => [
        r.kind,
        r.name,
        r.syncPhase,
        r.hookPhase,
        r.status,
      ]),
    ).toEqual([
      ['Job', 'migrate', 'PreSync', 'Failed', 'SyncFailed'],
      // The SyncFail hook runs because the sync failed.
      ['Job', 'notify', 'SyncFail', 'Succeeded', 'Synced'],
    ]);
    expect(out.resources[0].message).toContain(
      'CreateContainerConfigError: secret "db" not found',
    );
    expect(secrets.size).toBe(0);
  });

  it('runs a Sync hook in wave 1 after the wave-0 ExternalSecret created its Secret', () => {
    const secrets = new Set<string>();
    const out = runSync(
      planSync([
        obj(
          'Job',
          'migrate',
          {
            'argocd.argoproj.io/hook': 'Sync',
            'argocd.argoproj.io/sync-wave': '1',
          },
          jobReading('db'),
        ),
        {
          ...obj('ExternalSecret', 'db'),
          apiVersion: 'external-secrets.io/v1',
        },
        obj('Deployment', 'app', { 'argocd.argoproj.io/sync-wave': '2' }),
        obj('Job', 'notify', { 'argocd.argoproj.io/hook': 'SyncFail' }),
      ]),
      { namespace: 'ns', secrets },
    );
    expect(out.phase).toBe('Succeeded');
    expect(
      out.resources.map(r => `${r.kind}/${r.name}:${r.hookPhase}`),
    ).toEqual([
      'ExternalSecret/db:Running',
      'Job/migrate:Succeeded',
      'Deployment/app:Running',
    ]);
    expect(out.resources[1]).toMatchObject({
      hookType: 'Sync',
      group: 'batch',
      version: 'v1',
      namespace: 'ns',
    });
    expect([...secrets]).toEqual(['db']);
  });

  it('lets a pod read a Secret created in its own step, or one already there', () => {
    const same = runSync(
      planSync([
        obj('Job', 'migrate', {}, jobReading('db')),
        obj('Secret', 'db'),
      ]),
      { namespace: 'ns', secrets: new Set() },
    );
    expect(same.phase).toBe('Succeeded');
    const existing = runSync(
      planSync([
        obj(
          'Job',
          'migrate',
          { 'argocd.argoproj.io/hook': 'PreSync' },
          jobReading('db'),
        ),
      ]),
      { namespace: 'ns', secrets: new Set(['db']) },
    );
    expect(existing.phase).toBe('Succeeded');
  });
});

describe('requiredSecrets', () => {
  it('reads env, envFrom and volumes, leaving optional references out', () => {
    expect(
      requiredSecrets({
        initContainers: [{ envFrom: [{ secretRef: { name: 'init' } }] }],
        containers: [
          {
            env: [
              { valueFrom: { secretKeyRef: { name: 'a', key: 'k' } } },
              {
                valueFrom: {
                  secretKeyRef: { name: 'opt', key: 'k', optional: true },
                },
              },
            ],
          },
        ],
        volumes: [{ secret: { secretName: 'vol' } }],
      }).sort(),
    ).toEqual(['a', 'init', 'vol']);
  });
});
