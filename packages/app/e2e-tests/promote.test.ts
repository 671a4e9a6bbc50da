import { test, expect } from '@playwright/test';

test('an owner promotes payments-api from dev to staging through git', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.goto('/catalog/default/component/payments-api');
  await expect(
    page.getByRole('heading', { name: 'payments-api' }),
  ).toBeVisible();
  await expect(page.getByTestId('version-staging')).toContainText('1.3.2');

  await page.getByRole('button', { name: 'Promote 1.4.0 to staging' }).click();
  const dialog = page.getByRole('dialog');
  // The exact change, before anything is written: the staging overlay and the registry.
  await expect(
    dialog.getByLabel(
      'Diff of apps/payments-api/overlays/staging/kustomization.yaml',
    ),
  ).toContainText('+    newTag: 1.4.0');
  await expect(
    dialog.getByLabel('Diff of registry/versions.yaml'),
  ).toContainText('1.4.0');
  await expect(dialog.getByLabel('Gates')).toContainText('passed');
  await page.screenshot({ path: 'e2e-results/promote-dialog.png' });

  await dialog.getByRole('button', { name: 'Promote' }).click();
  await expect(dialog.getByRole('status')).toContainText(
    'Promotion committed as commit',
  );
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Argo CD (the fleet) sees the commit, staging syncs by itself; the page follows live.
  await expect(page.getByTestId('version-staging')).toContainText('1.4.0', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('status-staging')).toContainText('Synced');
  await page.screenshot({
    path: 'e2e-results/payments-api-promoted.png',
    fullPage: true,
  });
});
