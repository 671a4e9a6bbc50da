import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsSyncCard } from './EntityGitopsSyncCard';
import { itShowsTheSharedCardStates } from '../../__testUtils__/cardStates';
import {
  mockAlertApi,
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { app, paymentsOverview } from '../../__testUtils__/fixtures';
import { atFixedTime } from '../../__testUtils__/clock';

const rowOf = (name: string) => screen.getByText(name).closest('tr')!;

describe('EntityGitopsSyncCard', () => {
  atFixedTime();

  it('lists each application with sync, health, last sync and a link to Argo CD', async () => {
    await renderWithGitops(<EntityGitopsSyncCard />);
    await screen.findByText('payments-api-prod');
    const prod = rowOf('payments-api-prod');
    expect(prod).toHaveTextContent('OutOfSync');
    expect(prod).toHaveTextContent('Healthy');
    expect(prod).toHaveTextContent('prod · argocd-prod');
    expect(prod).toHaveTextContent('1 h ago');
    expect(
      screen.getByRole('link', {
        name: /^payments-api-prod in Argo CD argocd-prod/,
      }),
    ).toHaveAttribute(
      'href',
      'http://argo.example.com/applications/argocd/payments-api-prod',
    );
  });

  it('shows a running operation', async () => {
    const overview = paymentsOverview();
    overview.environments[2].applications = [
      app('prod', {
        sync: 'OutOfSync',
        health: 'Progressing',
        operation: { phase: 'Running', kind: 'sync', message: 'syncing' },
      }),
    ];
    await renderWithGitops(<EntityGitopsSyncCard />, {
      api: mockGitopsApi(overview),
    });
    await screen.findByText('payments-api-prod');
    const prod = rowOf('payments-api-prod');
    expect(prod).toHaveTextContent('Running');
    expect(prod).toHaveTextContent('sync: syncing');
    expect(
      within(prod).getByLabelText('Sync: An operation is running'),
    ).toBeInTheDocument();
  });

  it('names the hook that failed a sync and the phases it ran', async () => {
    const overview = paymentsOverview();
    overview.environments[0].applications = [
      app('dev', {
        operation: {
          phase: 'Failed',
          kind: 'sync',
          message: 'one or more synchronization tasks completed unsuccessfully',
          tasks: [
            {
              kind: 'Job',
              name: 'payments-api-migrate',
              syncPhase: 'PreSync',
              hookType: 'PreSync',
              hookPhase: 'Failed',
              status: 'SyncFailed',
              message: 'secret "payments-api-secrets" not found',
            },
          ],
          retry: { count: 5, limit: 5 },
        },
      }),
    ];
    await renderWithGitops(<EntityGitopsSyncCard />, {
      api: mockGitopsApi(overview),
    });
    await screen.findByText('payments-api-dev');
    const dev = rowOf('payments-api-dev');
    expect(dev).toHaveTextContent(
      'Failed at PreSync hook Job/payments-api-migrate: secret "payments-api-secrets" not found',
    );
    expect(dev).toHaveTextContent('Attempt 6 of 6');
    expect(
      within(within(dev).getByRole('list', { name: 'Sync phases' })).getByText(
        'PreSync',
      ),
    ).toBeInTheDocument();
  });

  it('opens the unhealthy resources and events of an application that is not Synced and Healthy, warnings first', async () => {
    const api = mockGitopsApi();
    api.getEvents.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      applications: [
        {
          instance: 'argocd-prod',
          name: 'payments-api-prod',
          environment: 'prod',
          unhealthy: [
            {
              kind: 'Pod',
              name: 'payments-api-7d9f-x2k4q',
              health: 'Degraded',
              message: 'Back-off pulling image',
            },
          ],
          events: [
            {
              type: 'Normal',
              reason: 'ResourceUpdated',
              message: 'Updated sync status: Synced -> OutOfSync',
              count: 1,
              lastSeen: '2026-11-23T11:58:00Z',
              object: 'Application/payments-api-prod',
            },
            {
              type: 'Warning',
              reason: 'OperationCompleted',
              message:
                'Sync operation to 4f2a failed: one or more objects failed to apply',
              count: 3,
              lastSeen: '2026-11-23T11:50:00Z',
            },
          ],
        },
      ],
    });
    await renderWithGitops(<EntityGitopsSyncCard />, { api });
    await screen.findByText('payments-api-prod');
    // Synced and Healthy: nothing to explain.
    expect(
      within(rowOf('payments-api-dev')).queryByRole('button', { name: /^Why/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(rowOf('payments-api-prod')).getByRole('button', {
        name: 'Why: events of payments-api-prod',
      }),
    );
    const unhealthy = await screen.findByRole('list', {
      name: 'Unhealthy resources of payments-api-prod',
    });
    expect(within(unhealthy).getByRole('listitem')).toHaveTextContent(
      'Degraded Pod/payments-api-7d9f-x2k4qBack-off pulling image',
    );
    const list = await screen.findByRole('list', {
      name: 'Events of payments-api-prod',
    });
    const items = within(list).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Warning OperationCompleted ×3');
    expect(items[0]).toHaveTextContent('Sync operation to 4f2a failed');
    expect(items[0]).toHaveTextContent('10 min ago');
    expect(items[1]).toHaveTextContent(
      'Updated sync status: Synced -> OutOfSync',
    );
    expect(api.getEvents).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments-api' },
      { application: 'argocd-prod/payments-api-prod' },
    );
  });

  it('syncs after confirmation and reloads the overview', async () => {
    const api = mockGitopsApi();
    api.runApplicationAction.mockResolvedValue({ application: app('prod') });
    await renderWithGitops(<EntityGitopsSyncCard />, { api });
    await screen.findByText('payments-api-prod');

    await userEvent.click(
      within(rowOf('payments-api-prod')).getByRole('button', { name: 'Sync' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Sync payments-api-prod?');
    expect(api.runApplicationAction).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Sync' }));

    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'payments-api' },
        { instance: 'argocd-prod', name: 'payments-api-prod' },
        { type: 'sync' },
      ),
    );
    await waitFor(() => expect(api.getOverview).toHaveBeenCalledTimes(2));
  });

  it('refreshes without a dialog', async () => {
    const api = mockGitopsApi();
    api.runApplicationAction.mockResolvedValue({ application: app('dev') });
    await renderWithGitops(<EntityGitopsSyncCard />, { api });
    await screen.findByText('payments-api-dev');
    await userEvent.click(
      within(rowOf('payments-api-dev')).getByRole('button', {
        name: 'Refresh',
      }),
    );
    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        expect.anything(),
        { instance: 'argocd-main', name: 'payments-api-dev' },
        { type: 'refresh' },
      ),
    );
  });

  it('rolls back to a chosen earlier deployment', async () => {
    const api = mockGitopsApi();
    api.runApplicationAction.mockResolvedValue({ application: app('prod') });
    api.getHistory.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      sources: [],
      entries: [1, 2, 3].map(id => ({
        instance: 'argocd-prod',
        application: 'payments-api-prod',
        environment: 'prod',
        id,
        revision: `rev${id}000000`,
        images: [`registry.example.com/payments-api:1.2.${id}`],
      })),
    });
    await renderWithGitops(<EntityGitopsSyncCard />, { api });
    await screen.findByText('payments-api-prod');
    await userEvent.click(
      within(rowOf('payments-api-prod')).getByRole('button', {
        name: 'Rollback',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    // The current deployment (#3) is not offered.
    expect(await within(dialog).findByText(/#2 ·/)).toBeInTheDocument();
    expect(within(dialog).queryByText(/#3 ·/)).not.toBeInTheDocument();
    const confirm = within(dialog).getByRole('button', { name: 'Roll back' });
    expect(confirm).toBeDisabled();
    await userEvent.click(within(dialog).getByLabelText(/#1 ·/));
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(api.runApplicationAction).toHaveBeenCalledWith(
        expect.anything(),
        { instance: 'argocd-prod', name: 'payments-api-prod' },
        { type: 'rollback', id: 1 },
      ),
    );
  });

  it('does not offer a deployment only the deployment record still holds', async () => {
    const api = mockGitopsApi();
    api.getHistory.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      sources: [],
      // #1 is older than Argo CD's history; #7 is of the application before it was deleted and
      // created again (its ids restarted).
      entries: [
        [3, true],
        [2, true],
        [1, false],
        [7, false],
      ].map(([id, rollbackable]) => ({
        instance: 'argocd-prod',
        application: 'payments-api-prod',
        environment: 'prod',
        id: id as number,
        revision: `rev${id}000000`,
        images: [`registry.example.com/payments-api:1.2.${id}`],
        rollbackable: rollbackable as boolean,
      })),
    });
    await renderWithGitops(<EntityGitopsSyncCard />, { api });
    await screen.findByText('payments-api-prod');
    await userEvent.click(
      within(rowOf('payments-api-prod')).getByRole('button', {
        name: 'Rollback',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText(/#2 ·/)).toBeInTheDocument();
    expect(within(dialog).queryByText(/#1 ·/)).not.toBeInTheDocument();
    expect(within(dialog).queryByText(/#7 ·/)).not.toBeInTheDocument();
    expect(within(dialog).queryByText(/#3 ·/)).not.toBeInTheDocument();
  });

  it('explains why rollback is off for automated sync', async () => {
    await renderWithGitops(<EntityGitopsSyncCard />);
    await screen.findByText('payments-api-dev');
    expect(
      within(rowOf('payments-api-dev')).getByLabelText(
        /Rollback: Argo CD does not roll back applications with automated sync/,
      ),
    ).toBeInTheDocument();
  });

  it('reports a failed action', async () => {
    const api = mockGitopsApi();
    api.runApplicationAction.mockRejectedValue(new Error('permission denied'));
    const alertApi = mockAlertApi();
    await renderWithGitops(<EntityGitopsSyncCard />, { api, alertApi });
    await screen.findByText('payments-api-dev');
    await userEvent.click(
      within(rowOf('payments-api-dev')).getByRole('button', {
        name: 'Refresh',
      }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          message: 'refresh of payments-api-dev failed: permission denied',
          severity: 'error',
        }),
      ),
    );
  });

  itShowsTheSharedCardStates(() => <EntityGitopsSyncCard />);

  it('names a failing instance while listing the others', async () => {
    const overview = paymentsOverview();
    overview.environments.pop();
    overview.sources[1] = {
      kind: 'deployment',
      provider: 'argocd',
      name: 'argocd-prod',
      status: 'error',
      error: 'timeout after 5000 ms',
    };
    await renderWithGitops(<EntityGitopsSyncCard />, {
      api: mockGitopsApi(overview),
    });
    expect(
      await screen.findByText(
        /argocd-prod: unavailable — timeout after 5000 ms/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('payments-api-dev')).toBeInTheDocument();
  });
});
