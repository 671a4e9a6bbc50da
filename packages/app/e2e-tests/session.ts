import { expect, type Page } from '@playwright/test';

/** Signs in as the development guest (a member of team-payments and team-schedule). */
export async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** Opens a component's page, or one of its tabs (`/gitops`), once its heading shows. */
export async function openEntity(page: Page, name: string, tab = '') {
  await page.goto(`/catalog/default/component/${name}${tab}`);
  await expect(page.getByRole('heading', { name })).toBeVisible();
}
