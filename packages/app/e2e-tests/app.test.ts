import { test, expect } from '@playwright/test';
import { openEntity, signIn } from './session';

test('a guest opens payments-api and sees its three environments', async ({
  page,
}) => {
  await signIn(page);
  // Every request the gitops cards of the page make, from here on.
  const gitopsRequests: string[] = [];
  page.on('request', request => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/gitops/')) {
      gitopsRequests.push(`${request.method()} ${url.pathname}`);
    }
  });
  await page.getByRole('link', { name: 'payments-api' }).click();
  await expect(
    page.getByRole('heading', { name: 'payments-api' }),
  ).toBeVisible();

  // Versions differ per environment, as the fleet's git repository says.
  await expect(page.getByTestId('version-dev')).toContainText('1.4.0');
  await expect(page.getByTestId('version-staging')).toContainText('1.3.2');
  await expect(page.getByTestId('version-prod')).toContainText('1.3.0');
  // prod waits for a manual sync of what git holds.
  await expect(page.getByTestId('status-prod')).toContainText('OutOfSync');
  await expect(page.getByTestId('cost-dev')).toContainText('/');
  await expect(page.getByTestId('backup-prod')).toContainText('RPO');
  // The page is one request: the overview, with the user's permissions in it.
  expect(gitopsRequests).toEqual([
    'GET /api/gitops/entities/component/default/payments-api/overview',
  ]);

  await page.screenshot({
    path: 'e2e-results/payments-api-overview.png',
    fullPage: true,
  });

  // Why OutOfSync: one click from the matrix opens what differs between git and prod.
  await page
    .getByRole('button', { name: 'Diff of payments-api-prod' })
    .first()
    .click();
  const diff = page.getByRole('dialog');
  await expect(diff).toContainText('Deployment payments-api');
  await expect(diff).toContainText('image 1.3.0 → 1.3.1');
  await expect(
    diff.locator('del', { hasText: 'payments-api:1.3.0' }),
  ).toBeVisible();
  await expect(
    diff.locator('ins', { hasText: 'payments-api:1.3.1' }),
  ).toBeVisible();
  await diff.screenshot({ path: 'e2e-results/diff-payments-api-prod.png' });
});

test('an owner syncs payments-api-prod and sees it reach Synced/Healthy live', async ({
  page,
}) => {
  await signIn(page);
  await openEntity(page, 'payments-api', '/gitops');

  const row = page.getByRole('row', {
    name: /^payments-api-prod in Argo CD/,
  });
  await expect(row).toContainText('OutOfSync');
  await row.getByRole('button', { name: 'Sync' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Sync payments-api-prod?');
  await expect(dialog).toContainText(
    'Deployment payments-api (image 1.3.0 → 1.3.1)',
  );
  await dialog.getByRole('button', { name: 'Sync' }).click();

  // No reload: the page follows the operation through Signals.
  await expect(row).not.toContainText('OutOfSync', { timeout: 10_000 });
  await expect(row).toContainText('Synced');
  await expect(row).toContainText('Healthy');
  await expect(page.getByTestId('version-prod')).toContainText('1.3.1');

  await page.screenshot({
    path: 'e2e-results/payments-api-gitops-tab.png',
    fullPage: true,
  });
});

test('a user who does not own the service sees the actions disabled', async ({
  page,
}) => {
  // guest is in team-payments; chores-api belongs to team-household.
  await signIn(page);
  await openEntity(page, 'chores-api', '/gitops');
  const row = page.getByRole('row', {
    name: /^chores-api-staging in Argo CD/,
  });
  await expect(row).toContainText('Degraded');
  await expect(row.getByRole('button', { name: 'Sync' })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Refresh' })).toBeDisabled();
  await expect(row.getByRole('button', { name: 'Rollback' })).toBeDisabled();
  await expect(
    row.getByLabel(
      /Sync: You are not allowed to sync applications of chores-api/,
    ),
  ).toBeVisible();
});

test('a service without GitOps annotations explains what to add', async ({
  page,
}) => {
  await signIn(page);
  await openEntity(page, 'status-page');
  await expect(page.getByText(/Missing Annotation/i).first()).toBeVisible();
  await expect(page.getByText('argocd/app-selector').first()).toBeVisible();
});
