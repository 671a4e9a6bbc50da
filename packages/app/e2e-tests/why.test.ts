import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';

/** The "why" views: what a service owner reads on the page instead of opening Argo CD. */

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

async function openTab(page: Page, name: string) {
  await page.goto(`/catalog/default/component/${name}/gitops`);
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

test('a Degraded application says why: its unhealthy pod and the warnings about it', async ({
  page,
}) => {
  await signIn(page);
  await openTab(page, 'chores-api');
  const row = page.getByRole('row', { name: /^chores-api-staging in Argo CD/ });
  await expect(row).toContainText('Degraded');
  await row
    .getByRole('button', { name: 'Why: events of chores-api-staging' })
    .click();
  const dialog = page.getByRole('dialog');
  const unhealthy = dialog.getByRole('list', {
    name: 'Unhealthy resources of chores-api-staging',
  });
  await expect(unhealthy).toContainText('Degraded');
  await expect(unhealthy).toContainText('Back-off pulling image');
  const events = dialog.getByRole('list', {
    name: 'Events of chores-api-staging',
  });
  await expect(events).toContainText('ImagePullBackOff');
  await expect(events).toContainText(/Failed to pull image .*2\.1\.0-bad/);
  await dialog.screenshot({ path: 'e2e-results/why-degraded.png' });
});

test('a paused canary shows its steps and an owner promotes it to the next one', async ({
  page,
}) => {
  await signIn(page);
  await openTab(page, 'schedule-bot');
  const canary = page.getByRole('region', {
    name: 'Canary of schedule-bot in dev',
  });
  await expect(canary).toContainText('Step 2 of 5');
  await expect(canary).toContainText('Set weight 20%');
  await expect(canary).toContainText(/Stable .*:0\.8\.5 → canary .*:0\.9\.0/);
  const steps = canary.getByRole('list', {
    name: 'Steps of schedule-bot in dev',
  });
  await expect(steps.getByRole('listitem').nth(1)).toHaveAttribute(
    'aria-current',
    'step',
  );
  await canary.screenshot({ path: 'e2e-results/canary-paused.png' });

  await canary
    .getByRole('button', { name: 'Promote schedule-bot in dev' })
    .click();
  const dialog = page.getByRole('dialog', {
    name: 'Promote schedule-bot in dev?',
  });
  await expect(dialog).toContainText('Pause until promoted');
  await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
  await expect(dialog).toBeHidden();
  // The pause is done; the controller goes on to 50 % and the analysis, followed live.
  await expect(steps.getByRole('listitem').nth(1)).toContainText('done');
  await expect(canary).toContainText('Set weight 50%');
  await expect(canary).not.toContainText('Step 2 of 5');
});

/** The embedded fleet of this run (scripts/serve-e2e.sh): its git repository and control API. */
const FLEET_DIR = path.resolve('.fleet');
const controlUrl = () => {
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
function pushReleaseWithPreSyncMigration() {
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

// Last in this file: it leaves payments-api-dev failed and moves the fleet's clock on.
test('a failed sync names the hook that failed it, after its retries', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  await openTab(page, 'payments-api');
  pushReleaseWithPreSyncMigration();
  const row = page.getByRole('row', { name: /^payments-api-dev in Argo CD/ });
  // The fleet polls git every 2 s; dev auto-syncs, the hook fails and Argo CD retries.
  await expect(row).toContainText('Retrying attempt #1', { timeout: 30_000 });
  await expect(row).toContainText(
    'Failed at PreSync hook Job/payments-api-migrate',
  );
  // The retries' backoff (5 s doubling, 5 attempts) on the fleet's clock.
  await expect(async () => {
    await request.post(`${controlUrl()}/control/clock/advance`, {
      data: { ms: 20_000 },
    });
    await expect(row.getByText('Failed', { exact: true })).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 60_000 });
  await expect(row).toContainText(
    /Failed at PreSync hook Job\/payments-api-migrate: .*secret "payments-api-secrets" not found/,
  );
  await expect(row).toContainText('Attempt 6 of 6');
  await row.screenshot({ path: 'e2e-results/failed-hook.png' });
});
