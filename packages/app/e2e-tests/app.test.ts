import { test, expect } from '@playwright/test';

test('a guest opens payments-api and sees its GitOps card', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  await page.getByRole('link', { name: 'payments-api' }).click();
  await expect(
    page.getByRole('heading', { name: 'payments-api' }),
  ).toBeVisible();
  await expect(page.getByText('GitOps', { exact: true }).first()).toBeVisible();
  await expect(
    page.getByText('Argo CD applications matching app=payments-api'),
  ).toBeVisible();

  await page.screenshot({
    path: 'e2e-results/payments-api-overview.png',
    fullPage: true,
  });
});
