import fs from 'node:fs/promises';
import path from 'node:path';
import { startFleet, Fleet } from '../fleet';
import { argoClient, commitToFleet, stopAndClean, tempDir } from '../testUtils';

jest.setTimeout(30_000);

const EXTERNAL_SECRET = `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: payments-api-secrets
  annotations:
    argocd.argoproj.io/sync-wave: "0"
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: vault }
  target: { name: payments-api-secrets }
  data:
    - secretKey: DATABASE_URL
      remoteRef: { key: payments-api/DATABASE_URL }
`;

const migration = (hook: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: payments-api-migrate
  annotations:
    argocd.argoproj.io/hook: ${hook}
    argocd.argoproj.io/sync-wave: "1"
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/payments-api:1.4.0
          command: [./migrate, up]
          envFrom:
            - secretRef: { name: payments-api-secrets }
`;

/**
 * A release of payments-api to dev with its migration: the tag moves to `tag` and the dev overlay
 * gains the ExternalSecret and the migration Job run as `hook`.
 */
async function releaseWithMigration(dir: string, hook: string, tag: string) {
  const overlay = path.join(dir, 'apps/payments-api/overlays/dev');
  await fs.writeFile(
    path.join(overlay, 'external-secret.yaml'),
    EXTERNAL_SECRET,
  );
  await fs.writeFile(path.join(overlay, 'migration-job.yaml'), migration(hook));
  const file = path.join(overlay, 'kustomization.yaml');
  let text = (await fs.readFile(file, 'utf8')).replace(
    /newTag: .*/,
    `newTag: ${tag}`,
  );
  if (!text.includes('migration-job.yaml'))
    text = text.replace(
      /resources:\n(\s*)- \.\.\/\.\.\/base\n/,
      'resources:\n$1- ../../base\n$1- external-secret.yaml\n$1- migration-job.yaml\n',
    );
  await fs.writeFile(file, text);
}

describe('a migration hook on an application deployed before the simulation started', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      tls: false,
      argo: { reconcileIntervalMs: 0 },
    });
    main = await argoClient(fleet, 'argocd-main');
  });
  afterAll(() => stopAndClean(fleet));

  // In steps: a sync starts with async git reads, whose timers a single long advance would skip.
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 5_000) await fleet.clock.advance(5_000);
  };
  const operation = async () =>
    (await main.get('/api/v1/applications/payments-api-dev')).body.status
      .operationState;

  it('fails the auto-sync when a commit adds a PreSync hook reading the Secret an ExternalSecret of the same commit creates', async () => {
    const sha = await commitToFleet(
      fleet,
      'payments-api: migrate before deploying',
      dir => releaseWithMigration(dir, 'PreSync', '1.5.0'),
    );
    expect(await fleet.control.pollGit()).toBe(true);
    await advance(400_000);
    const op = await operation();
    expect(op.syncResult.revision).toBe(sha);
    expect(op).toMatchObject({ phase: 'Failed', retryCount: 5 });
    expect(op.message).toContain('PreSync hook Job/payments-api-migrate');
    expect(op.syncResult.resources).toEqual([
      expect.objectContaining({
        kind: 'Job',
        name: 'payments-api-migrate',
        hookType: 'PreSync',
        hookPhase: 'Failed',
        message: expect.stringContaining(
          'secret "payments-api-secrets" not found',
        ),
      }),
    ]);
  });

  it('syncs once the migration is a Sync hook in wave 1, after the wave-0 ExternalSecret', async () => {
    await commitToFleet(fleet, 'payments-api: migrate as a Sync hook', dir =>
      releaseWithMigration(dir, 'Sync', '1.5.1'),
    );
    expect(await fleet.control.pollGit()).toBe(true);
    await advance(60_000);
    const op = await operation();
    expect(op.phase).toBe('Succeeded');
    expect(
      op.syncResult.resources.find((r: any) => r.kind === 'Job'),
    ).toMatchObject({ hookType: 'Sync', hookPhase: 'Succeeded' });
  });
});
