import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApplicationActions } from './ApplicationActions';
import {
  mockAlertApi,
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { ALLOW_ALL, app, prodDiff } from '../../__testUtils__/fixtures';
import type { EntityPermissions } from '@internal/backstage-plugin-gitops-common';

const prod = app('prod', { sync: 'OutOfSync' });
const entityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'payments-api',
};
const application = { instance: 'argocd-prod', name: 'payments-api-prod' };

async function openSync(
  options: {
    api?: ReturnType<typeof mockGitopsApi>;
    permissions?: EntityPermissions;
    alertApi?: ReturnType<typeof mockAlertApi>;
  } = {},
) {
  const api = options.api ?? mockGitopsApi();
  if (!options.api) api.getDiff.mockResolvedValue(prodDiff());
  api.runApplicationAction.mockResolvedValue({ application: prod });
  await renderWithGitops(
    <ApplicationActions
      app={prod}
      permissions={options.permissions ?? ALLOW_ALL}
    />,
    { api, alertApi: options.alertApi },
  );
  await userEvent.click(screen.getByRole('button', { name: 'Sync' }));
  return { api, dialog: await screen.findByRole('dialog') };
}

describe('ApplicationActions: the sync confirmation', () => {
  it('lists what the sync will change, one line per resource', async () => {
    const { api, dialog } = await openSync();
    const list = await within(dialog).findByRole('list', {
      name: 'Changes of the sync',
    });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'Deployment payments-api (image 1.3.0 → 1.3.1; spec.replicas 2 → 3)',
      'ConfigMap payments-api-flags (created)',
      'Service payments-api-legacy (no longer in git; kept, as Prune is off)',
    ]);
    expect(api.getDiff).toHaveBeenCalledTimes(1);
    expect(api.getDiff).toHaveBeenCalledWith(entityRef, {
      application: 'argocd-prod/payments-api-prod',
    });

    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Prune' }),
    );
    expect(list).toHaveTextContent(
      'Service payments-api-legacy (deleted: git no longer holds it)',
    );
  });

  it('sends a plain sync as { type: "sync" }', async () => {
    const { api, dialog } = await openSync();
    await within(dialog).findByRole('list', { name: 'Changes of the sync' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sync' }));
    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        entityRef,
        application,
        { type: 'sync' },
      ),
    );
  });

  it('sends { prune: true } when Prune is chosen', async () => {
    const { api, dialog } = await openSync();
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Prune' }),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sync' }));
    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        entityRef,
        application,
        { type: 'sync', options: { prune: true } },
      ),
    );
  });

  it('sends { dryRun: true } from a "Dry run" button, and says it was a dry run', async () => {
    const alertApi = mockAlertApi();
    const { api, dialog } = await openSync({ alertApi });
    await userEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Dry run' }),
    );
    expect(
      within(dialog).queryByRole('button', { name: 'Sync' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Dry run' }),
    );
    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        entityRef,
        application,
        { type: 'sync', options: { dryRun: true } },
      ),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          message:
            'dry run of the sync of payments-api-prod started: it changes nothing',
          severity: 'success',
        }),
      ),
    );
  });

  it('disables Prune, saying why, for a user without gitops.application.prune', async () => {
    const { dialog } = await openSync({
      permissions: { ...ALLOW_ALL, prune: false },
    });
    const prune = within(dialog).getByRole('checkbox', { name: 'Prune' });
    expect(prune).toBeDisabled();
    expect(prune).toHaveAccessibleDescription(
      'You are not allowed to prune applications of payments-api.',
    );
    expect(
      within(dialog).getByRole('checkbox', { name: 'Dry run' }),
    ).toBeEnabled();
  });

  it('still allows the sync when the changes cannot be loaded, and does not wait for them', async () => {
    const api = mockGitopsApi();
    let fail: (e: Error) => void = () => {};
    api.getDiff.mockReturnValue(
      new Promise((_resolve, reject) => {
        fail = reject;
      }),
    );
    const { dialog } = await openSync({ api });
    // Still loading: the Sync button is already there.
    expect(within(dialog).getByRole('button', { name: 'Sync' })).toBeEnabled();
    fail(new Error('HTTP 502'));
    expect(
      await within(dialog).findByText(
        'The changes could not be loaded (HTTP 502); the sync can still run.',
      ),
    ).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sync' }));
    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        entityRef,
        application,
        { type: 'sync' },
      ),
    );
  });
});
