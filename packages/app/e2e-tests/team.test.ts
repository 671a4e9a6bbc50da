import fs from 'node:fs/promises';
import { expect, test, type Locator } from '@playwright/test';
import { openEntity, signIn } from './session';

/** The card (Backstage's InfoCard) an element is on. */
const cardOf = (inner: Locator) =>
  inner.locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');

/**
 * The estate of a team on its Group page, on the embedded fleet after promote.test has promoted
 * payments-api 1.4.0 to staging and this test has asked for it in prod (waiting for approval):
 * payments-api waits for promotion to prod (drifted),
 * payments-ledger's staging is Degraded (failing, so its row comes first); the chargeback CSV
 * downloads; the DORA card shows payments-api's figures from its deployment record.
 */
test('team-payments: its services by environment, one drifted and one failing; the cost CSV; DORA', async ({
  page,
}) => {
  await signIn(page);
  // The second promotion: 1.4.0 on to prod, which waits for another owner's approval.
  await openEntity(page, 'payments-api');
  await page.getByRole('button', { name: 'Promote 1.4.0 to prod' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Cost of the version')).toContainText(
    'staging',
  );
  await dialog.getByRole('button', { name: 'Request promotion' }).click();
  await expect(dialog.getByRole('status')).toContainText(
    'Waiting for approval',
  );
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.goto('/catalog/default/group/team-payments');
  await expect(
    page.getByRole('heading', { name: 'team-payments' }),
  ).toBeVisible();

  const matrix = page.getByRole('table', { name: 'Services by environment' });
  const rows = matrix.getByRole('row');
  await expect(rows.filter({ hasText: 'payments-api' })).toBeVisible();
  const ledger = rows.filter({ hasText: 'payments-ledger' });
  await expect(ledger).toContainText('Degraded', { timeout: 30_000 });
  // Failing rows first: payments-ledger's row comes before payments-api's (a service scaffolded
  // by an earlier test may be failing too, and come first as well).
  await expect
    .poll(async () => {
      const names = (await rows.allInnerTexts()).map(t => t.split(/\s/)[0]);
      const ledgerAt = names.indexOf('payments-ledger');
      return ledgerAt > 0 && ledgerAt < names.indexOf('payments-api');
    })
    .toBe(true);
  await expect(rows.filter({ hasText: 'payments-api' })).toContainText(
    'waiting: 1.4.0',
  );

  await expect(
    page.getByRole('list', { name: 'Promotions waiting for approval' }),
  ).toContainText('payments-api 1.4.0: staging → prod');

  const filters = page.getByRole('group', { name: 'Filter services' });
  await filters.getByRole('button', { name: /Only failing/ }).click();
  await expect(rows.filter({ hasText: 'payments-api' })).toHaveCount(0);
  await expect(ledger).toBeVisible();
  await filters.getByRole('button', { name: /Only failing/ }).click();
  await filters.getByRole('button', { name: /Only drifted/ }).click();
  await expect(rows.filter({ hasText: 'payments-api' })).toBeVisible();
  await filters.getByRole('button', { name: /Only drifted/ }).click();
  await cardOf(matrix).screenshot({ path: 'e2e-results/team-estate.png' });

  // The chargeback export: one row per service × environment, then what is not allocated.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^team-payments-cost-30d\.csv$/);
  await cardOf(page.getByRole('button', { name: 'Download CSV' })).screenshot({
    path: 'e2e-results/team-cost.png',
  });
  const csv = await fs.readFile((await file.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(
    /^kind,entity_ref,environment,cluster,window,currency,total/,
  );
  expect(
    lines.some(l => l.includes('payments-api') && l.includes('prod')),
  ).toBe(true);

  // DORA for the team, and for payments-api on its GitOps tab (from the deployment record,
  // backfilled by the fleet over 90 days).
  const frequency = page.getByTestId('dora-deployment-frequency');
  await expect(frequency).toContainText(/\d+ deployments? to prod/);
  await page.goto('/catalog/default/component/payments-api/gitops');
  await expect(page.getByTestId('dora-deployment-frequency')).toContainText(
    / \/ week/,
  );
  await expect(page.getByTestId('dora-lead-time')).not.toContainText(
    'Not enough data',
  );
  await page.getByRole('button', { name: 'Last 90 days' }).click();
  await expect(
    page.getByText('Deployments to production over the last 90 days'),
  ).toBeVisible();
  await expect(page.getByTestId('dora-deployment-frequency')).toContainText(
    / \/ week/,
  );
  await cardOf(page.getByTestId('dora-deployment-frequency')).screenshot({
    path: 'e2e-results/dora.png',
  });
});
