import { test, expect } from '@playwright/test';

test('a guest scaffolds a new service with GitOps and sees its three environments', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Unique per run: the template refuses to overwrite an existing service.
  const name = `ledger-${Date.now().toString(36)}`;

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.goto('/create');

  // The card itself (not the page area holding every template card).
  const card = page.locator('[class*="MuiCard-root"]').filter({
    has: page.getByText('New service with GitOps', { exact: true }),
  });
  await card.getByRole('button', { name: 'Choose' }).click();

  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.fill('team-payments');
  await page
    .getByRole('option', { name: /team-payments/ })
    .first()
    .click();
  await page
    .getByRole('textbox', { name: 'Image repository' })
    .fill(`registry.example.com/${name}`);
  await page.getByRole('button', { name: 'Next' }).click();

  // Deployment: the defaults (Kustomize, dev/staging/prod).
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  const open = page.getByRole('link', { name: 'Open in catalog' });
  await expect(open).toBeVisible({ timeout: 120_000 });
  await page.screenshot({
    path: 'e2e-results/scaffold-finished.png',
    fullPage: true,
  });
  await open.click();

  // The catalog processes the new location in the background: until it has, the page says
  // "Entity not found", as it would for a person, who would reload.
  await expect(async () => {
    if (await page.getByText('Entity not found').isVisible()) {
      await page.reload();
    }
    await expect(page.getByText('Environments').first()).toBeVisible({
      timeout: 3_000,
    });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByRole('heading', { name })).toBeVisible();
  // The fleet creates the Applications from the pushed app-of-apps manifests; the page follows.
  // dev and staging sync by themselves; prod waits for a manual sync, as the policy says.
  for (const env of ['dev', 'staging']) {
    await expect(page.getByTestId(`version-${env}`)).toContainText('0.1.0', {
      timeout: 60_000,
    });
    await expect(page.getByTestId(`status-${env}`)).toContainText('Synced');
  }
  await expect(page.getByTestId('version-prod')).toContainText('not deployed');
  await expect(page.getByTestId('status-prod')).toContainText('OutOfSync');
  await page.screenshot({
    path: 'e2e-results/scaffolded-service.png',
    fullPage: true,
  });
});
