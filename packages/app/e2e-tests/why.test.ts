import { test, expect } from '@playwright/test';
import { openEntity, signIn } from './session';
import { controlUrl, pushReleaseWithPreSyncMigration } from './fleet';

/** The "why" views: what a service owner reads on the page instead of opening Argo CD. */

test('a Degraded application says why: its unhealthy pod and the warnings about it', async ({
  page,
}) => {
  await signIn(page);
  await openEntity(page, 'chores-api', '/gitops');
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
  await openEntity(page, 'schedule-bot', '/gitops');
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

// Last in this file: it leaves payments-api-dev failed and moves the fleet's clock on.
test('a failed sync names the hook that failed it, after its retries', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await signIn(page);
  await openEntity(page, 'payments-api', '/gitops');
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
