import { expect, test } from '@playwright/test';
import { setLiveImage } from './fleet';
import { openEntity, signIn } from './session';

const IMAGE = 'registry.example.com/payments-api';

/**
 * Prod of payments-api (owned by the guest's team) breaks in the embedded fleet: its owner's
 * notification appears on the notifications page within seconds, and says so when it recovers.
 * chores-api (another team's) breaks too, and the guest hears nothing of it.
 */
test('a Degraded prod notifies its owners, and its recovery too; a non-owner gets nothing', async ({
  page,
}) => {
  await signIn(page);
  // Its owner looks at the service once (a backend fresh from start reads a newly ingested
  // entity from the catalog on its first view, else at its next delta read within 30 s).
  await openEntity(page, 'payments-api');
  await expect(page.getByTestId('backup-prod')).toBeVisible();
  await setLiveImage(
    'argocd-prod',
    'chores-api-prod',
    'chores-api',
    'registry.example.com/chores-api:2.0.3-bad',
  );
  await setLiveImage(
    'argocd-prod',
    'payments-api-prod',
    'payments-api',
    `${IMAGE}:1.3.0-bad`,
  );
  try {
    await page.goto('/notifications');
    const degraded = page.getByText(
      'payments-api: payments-api-prod is Degraded in prod',
      { exact: true },
    );
    // The e2e config's grace period is 3 s; the backend looks for due conditions every 10 s.
    await expect(degraded).toBeVisible({ timeout: 40_000 });
    await expect(
      page.getByText(
        'Deployment "payments-api" exceeded its progress deadline',
      ),
    ).toBeVisible();

    await setLiveImage(
      'argocd-prod',
      'payments-api-prod',
      'payments-api',
      `${IMAGE}:1.3.0`,
    );
    await expect(
      page.getByText('payments-api: payments-api-prod recovered in prod'),
    ).toBeVisible({ timeout: 30_000 });
    // The same notification, updated in place: its title says it recovered, its text what it was.
    await expect(degraded).toHaveCount(0);
    await expect(
      page.getByText(
        'Was: payments-api: payments-api-prod is Degraded in prod',
      ),
    ).toBeVisible();
    await expect(page.getByText(/chores-api/)).toHaveCount(0);
    await page.screenshot({ path: 'e2e-results/notifications.png' });
  } finally {
    await setLiveImage(
      'argocd-prod',
      'chores-api-prod',
      'chores-api',
      'registry.example.com/chores-api:2.0.3',
    );
    await setLiveImage(
      'argocd-prod',
      'payments-api-prod',
      'payments-api',
      `${IMAGE}:1.3.0`,
    );
  }
});
