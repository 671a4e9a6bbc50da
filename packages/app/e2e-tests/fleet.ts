import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The embedded fleet of this run (scripts/serve-e2e.sh): its git repository and control API. */
export const FLEET_DIR = path.resolve('.fleet');
export const controlUrl = () => {
  const config = fs.readFileSync(
    path.join(FLEET_DIR, 'app-config.fleet.yaml'),
    'utf8',
  );
  return new URL(/fileUrlTemplate: (\S+)/.exec(config)![1]).origin;
};

/**
 * What a release author pushes: payments-api 1.5.0 to dev with its database migration as a
 * PreSync hook reading the Secret an ExternalSecret of the same commit creates (the layout the
 * scaffolder used to generate). The Secret exists only once the Sync phase ran, so the hook fails.
 */
export function pushReleaseWithPreSyncMigration() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-release-'));
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Dana Release',
        '-c',
        'user.email=dana@example.com',
        ...args,
      ],
      { cwd: dir },
    );
  git('clone', '-q', `file://${path.join(FLEET_DIR, 'gitops.git')}`, '.');
  const overlay = path.join(dir, 'apps/payments-api/overlays/dev');
  fs.writeFileSync(
    path.join(overlay, 'external-secret.yaml'),
    [
      'apiVersion: external-secrets.io/v1beta1',
      'kind: ExternalSecret',
      'metadata:',
      '  name: payments-api-secrets',
      '  annotations: { argocd.argoproj.io/sync-wave: "0" }',
      'spec:',
      '  secretStoreRef: { kind: ClusterSecretStore, name: vault }',
      '  target: { name: payments-api-secrets }',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(overlay, 'migration-job.yaml'),
    [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: payments-api-migrate',
      '  annotations:',
      '    argocd.argoproj.io/hook: PreSync',
      '    argocd.argoproj.io/sync-wave: "1"',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: migrate',
      '          image: registry.example.com/payments-api:1.5.0',
      '          command: [./migrate, up]',
      '          envFrom: [{ secretRef: { name: payments-api-secrets } }]',
      '',
    ].join('\n'),
  );
  const kustomization = path.join(overlay, 'kustomization.yaml');
  fs.writeFileSync(
    kustomization,
    fs
      .readFileSync(kustomization, 'utf8')
      .replace(/newTag: .*/, 'newTag: 1.5.0')
      .replace(
        '  - ../../base\n',
        '  - ../../base\n  - external-secret.yaml\n  - migration-job.yaml\n',
      ),
  );
  git('add', '-A');
  git('commit', '-qm', 'payments-api: deploy 1.5.0 to dev with its migration');
  git('push', '-q', 'origin', 'main');
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * `kubectl set image` on a simulated cluster, behind Argo CD's back (the control API's live
 * patch): an image tag ending in `-bad` cannot be pulled, so the application goes Degraded.
 */
export async function setLiveImage(
  instance: string,
  app: string,
  deployment: string,
  image: string,
) {
  const res = await fetch(
    `${controlUrl()}/control/argocd/${instance}/applications/${app}/live`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'Deployment',
        name: deployment,
        type: 'strategic',
        patch: {
          spec: {
            template: {
              spec: { containers: [{ name: deployment, image }] },
            },
          },
        },
      }),
    },
  );
  if (!res.ok) throw new Error(`live patch of ${app}: HTTP ${res.status}`);
}
