import { InputError } from '@backstage/errors';
import { component } from './__testUtils__/promotionTestUtils';
import {
  planVersionChange,
  readRegistryEntry,
  readVersion,
  registryHasService,
  resolveVersionTarget,
  writeRegistryEntry,
  type VersionTarget,
} from './versionFiles';

const OVERLAY = `# staging overlay
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
  - ../../base   # shared base
images:
  - name: registry.example.com/log-shipper # sidecar
    newTag: 9.9.9
  # the service
  - name: registry.example.com/payments-api
    newTag: 1.3.2 # bumped by CI
replicas: [{ name: payments-api, count: 2 }]
`;

const VALUES = `# schedule-bot prod values
replicaCount: 3
image:
  repository: registry.example.com/schedule-bot
  tag: '0.8.5'   # promoted by Backstage
resources: {}
`;

const REGISTRY = `# what runs where
services:
  payments-api:
    dev: { version: 1.4.0, deployed_at: "2026-11-20T10:00:00Z", deployed_by: ci }
    staging:
      version: 1.3.2 # last good
      deployed_at: 2026-11-19T10:00:00Z
      deployed_by: release-bot@example.com

  schedule-bot:
    dev:
      version: 0.9.0
`;

const target = (t: Partial<VersionTarget>): VersionTarget => ({
  service: 'payments-api',
  env: 'staging',
  kind: 'kustomize',
  path: 'apps/payments-api/overlays/staging/kustomization.yaml',
  registryPath: 'registry/versions.yaml',
  ...t,
});

const reader =
  (files: Record<string, string>) =>
  async (path: string): Promise<string | null> =>
    files[path] ?? null;

describe('versionFiles', () => {
  it('changes only the newTag of the service image of a Kustomize overlay', async () => {
    const t = target({});
    expect(readVersion(OVERLAY, t)).toBe('1.3.2');
    const plan = await planVersionChange(t, reader({ [t.path]: OVERLAY }), {
      version: '1.4.0',
      deployedAt: 'x',
      deployedBy: 'y',
    });
    expect(plan.previousVersion).toBe('1.3.2');
    expect(plan.files).toHaveLength(1);
    expect(plan.files[0].after).toBe(
      OVERLAY.replace('newTag: 1.3.2 # bumped', 'newTag: 1.4.0 # bumped'),
    );
    expect(
      readVersion(
        OVERLAY,
        target({ imageName: 'registry.example.com/log-shipper' }),
      ),
    ).toBe('9.9.9');
  });

  it('refuses an overlay without the image, or with the image pinned by digest', async () => {
    const none = OVERLAY.replace(/payments-api\n/, 'other\n');
    expect(() => readVersion(none, target({}))).toThrow(
      /no images\[\] entry named payments-api/,
    );
    const digest = OVERLAY.replace('newTag: 1.3.2', 'digest: sha256:abc');
    await expect(
      planVersionChange(target({}), reader({ [target({}).path]: digest }), {
        version: '1.4.0',
        deployedAt: 'x',
        deployedBy: 'y',
      }),
    ).rejects.toThrow(/pinned by digest/);
  });

  it('keeps the quoting and comment of a Helm image.tag, and never turns a version into a number', async () => {
    const t = target({
      kind: 'helm',
      path: 'charts/schedule-bot/values-prod.yaml',
      service: 'schedule-bot',
      env: 'prod',
    });
    const read = reader({ [t.path]: VALUES });
    const plan = await planVersionChange(t, read, {
      version: '0.9.0',
      deployedAt: 'x',
      deployedBy: 'y',
    });
    expect(plan.files[0].after).toBe(VALUES.replace("'0.8.5'", "'0.9.0'"));

    const plain = VALUES.replace("'0.8.5'", '1.10');
    expect(readVersion(plain, t)).toBe('1.10');
    const again = await planVersionChange(t, reader({ [t.path]: plain }), {
      version: '1.20',
      deployedAt: 'x',
      deployedBy: 'y',
    });
    expect(again.files[0].after).toContain(
      '  tag: "1.20"   # promoted by Backstage\n',
    );
    expect(readVersion(again.files[0].after, t)).toBe('1.20');

    // A values file without image.tag gets one, the rest of the file kept.
    const bare = '# dev values\nreplicaCount: 1 # one is enough\n';
    const added = await planVersionChange(t, reader({ [t.path]: bare }), {
      version: '0.9.0',
      deployedAt: 'x',
      deployedBy: 'y',
    });
    expect(added.previousVersion).toBeUndefined();
    expect(added.files[0].after).toBe(`${bare}image:\n  tag: 0.9.0\n`);
  });

  it('updates the registry in place, in block and flow style, and adds a missing environment', () => {
    const entry = {
      version: '1.4.0',
      deployed_at: '2026-11-23T11:00:00.000Z',
      deployed_by: 'user:default/alice',
    };
    const staging = writeRegistryEntry(
      REGISTRY,
      'payments-api',
      'staging',
      entry,
    );
    expect(staging).toBe(
      REGISTRY.replace(
        'version: 1.3.2 # last good',
        'version: 1.4.0 # last good',
      )
        .replace(
          'deployed_at: 2026-11-19T10:00:00Z',
          'deployed_at: 2026-11-23T11:00:00.000Z',
        )
        .replace(
          'deployed_by: release-bot@example.com',
          'deployed_by: user:default/alice',
        ),
    );
    const dev = writeRegistryEntry(REGISTRY, 'payments-api', 'dev', entry);
    expect(dev).toContain(
      'dev: { version: 1.4.0, deployed_at: "2026-11-23T11:00:00.000Z", deployed_by: user:default/alice }',
    );
    expect(readRegistryEntry(dev, 'payments-api', 'dev')).toEqual(entry);

    const prod = writeRegistryEntry(REGISTRY, 'schedule-bot', 'prod', entry);
    expect(prod.startsWith('# what runs where\n')).toBe(true);
    expect(prod).toContain('version: 1.3.2 # last good');
    expect(readRegistryEntry(prod, 'schedule-bot', 'prod')).toEqual(entry);
    expect(readRegistryEntry(prod, 'schedule-bot', 'dev')?.version).toBe(
      '0.9.0',
    );
    expect(registryHasService(REGISTRY, 'chores-api')).toBe(false);
  });

  it('plans the version file and the registry when the registry lists the service', async () => {
    const t = target({});
    const plan = await planVersionChange(
      t,
      reader({ [t.path]: OVERLAY, 'registry/versions.yaml': REGISTRY }),
      {
        version: '1.4.0',
        deployedAt: '2026-11-23T11:00:00.000Z',
        deployedBy: 'user:default/alice',
      },
    );
    expect(plan.files.map(f => f.path)).toEqual([
      t.path,
      'registry/versions.yaml',
    ]);
    const other = await planVersionChange(
      target({ service: 'chores-api', path: 'o.yaml' }),
      reader({
        'o.yaml': OVERLAY.replace(/payments-api/g, 'chores-api'),
        'registry/versions.yaml': REGISTRY,
      }),
      { version: '1.4.0', deployedAt: 'x', deployedBy: 'y' },
    );
    expect(other.files.map(f => f.path)).toEqual(['o.yaml']);
  });

  it('resolves the version file from the annotations, or from what exists', async () => {
    const files = reader({
      'apps/payments-api/overlays/staging/kustomization.yaml': OVERLAY,
      'deploy/bot/values-prod.yaml': VALUES,
      'charts/schedule-bot/values-prod.yaml': VALUES,
      'registry/versions.yaml': REGISTRY,
    });
    expect(
      await resolveVersionTarget(component('payments-api'), 'staging', files),
    ).toMatchObject({
      kind: 'kustomize',
      path: 'apps/payments-api/overlays/staging/kustomization.yaml',
    });
    expect(
      await resolveVersionTarget(component('schedule-bot'), 'prod', files),
    ).toMatchObject({
      kind: 'helm',
      path: 'charts/schedule-bot/values-prod.yaml',
    });
    expect(
      await resolveVersionTarget(
        component('schedule-bot', {
          'gitops/version-source': 'helm',
          'gitops/repo-path': 'deploy/bot',
        }),
        'prod',
        files,
      ),
    ).toMatchObject({ kind: 'helm', path: 'deploy/bot/values-prod.yaml' });
    expect(
      await resolveVersionTarget(
        component('schedule-bot', { 'gitops/version-source': 'registry' }),
        'dev',
        files,
      ),
    ).toMatchObject({ kind: 'registry', path: 'registry/versions.yaml' });
    // Only in the registry: the registry is the version source.
    expect(
      await resolveVersionTarget(component('payments-api'), 'dev', files),
    ).toMatchObject({ kind: 'registry' });

    await expect(
      resolveVersionTarget(component('chores-api'), 'dev', files),
    ).rejects.toThrow(
      /^entity: no version file for chores-api in dev \(looked for apps\/chores-api\/overlays\/dev\/kustomization.yaml, charts\/chores-api\/values-dev.yaml, registry\/versions.yaml\)/,
    );
    await expect(
      resolveVersionTarget(
        component('x', { 'gitops/version-source': 'jsonnet' }),
        'dev',
        files,
      ),
    ).rejects.toThrow(InputError);
    await expect(
      resolveVersionTarget(
        component('x', { 'gitops/repo-path': '../etc' }),
        'dev',
        files,
      ),
    ).rejects.toThrow(/relative path inside the repository/);
    await expect(
      resolveVersionTarget(
        component('x', { 'gitops/repo-path': 'apps/x\nM 100644 inline evil' }),
        'dev',
        files,
      ),
    ).rejects.toThrow(/relative path inside the repository/);
  });
});
