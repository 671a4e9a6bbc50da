import { screen, within } from '@testing-library/react';
import { EntityGitopsContent } from './EntityGitopsContent';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { paymentsEntity } from '../../__testUtils__/fixtures';
import { atFixedTime } from '../../__testUtils__/clock';

describe('EntityGitopsContent', () => {
  atFixedTime();

  it('fills every card of the tab from one overview request', async () => {
    const api = mockGitopsApi();
    api.getHistory.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      sources: [],
      entries: [
        {
          instance: 'argocd-main',
          application: 'payments-api-dev',
          environment: 'dev',
          id: 7,
          revision: 'abcdef1234567',
          images: ['registry.example.com/payments-api:1.4.0'],
          deployedAt: '2026-11-23T11:00:00.000Z',
          author: 'Alice <alice@example.com>',
          message: 'payments-api: promote 1.4.0 to dev',
        },
      ],
    });
    api.getResources.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      sources: [],
      applications: [
        {
          instance: 'argocd-prod',
          name: 'payments-api-prod',
          environment: 'prod',
          resources: [
            {
              kind: 'Deployment',
              name: 'payments-api',
              uid: 'd1',
              sync: 'OutOfSync',
              health: 'Healthy',
            },
            {
              kind: 'ReplicaSet',
              name: 'payments-api-5d9',
              uid: 'r1',
              parentUids: ['d1'],
              health: 'Degraded',
              healthMessage: 'ImagePullBackOff',
            },
            {
              kind: 'Service',
              name: 'payments-api',
              uid: 's1',
              sync: 'Synced',
            },
          ],
        },
      ],
    });

    await renderWithGitops(<EntityGitopsContent />, { api });

    // Environments matrix, applications table, backups and cost.
    expect(await screen.findByTestId('version-dev')).toHaveTextContent('1.4.0');
    expect(
      screen.getByRole('link', { name: /^payments-api-prod in Argo CD/ }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('backup-env-prod')).toHaveTextContent('RPO 10 h');
    expect(screen.getByTestId('cost-row-prod')).toHaveTextContent('$421');
    expect(
      await screen.findByText('payments-api: promote 1.4.0 to dev'),
    ).toBeInTheDocument();
    expect(screen.getByText('Alice <alice@example.com>')).toBeInTheDocument();

    // The resource tree nests and marks what needs attention.
    const deployment = await screen.findByLabelText(
      'Deployment payments-api needs attention',
    );
    expect(
      within(deployment).getByLabelText(
        'ReplicaSet payments-api-5d9 needs attention',
      ),
    ).toHaveTextContent('ImagePullBackOff');
    expect(screen.getByLabelText('Service payments-api')).toBeInTheDocument();
    expect(
      screen.getByText(/prod, 3 resources, 2 need attention/),
    ).toBeInTheDocument();

    expect(api.getOverview).toHaveBeenCalledTimes(1);
  });

  it('asks for the annotation when it is missing', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsContent />, {
      api,
      entity: { ...paymentsEntity, metadata: { name: 'x', annotations: {} } },
    });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getOverview).not.toHaveBeenCalled();
    expect(api.getHistory).not.toHaveBeenCalled();
  });

  it('shows history and resource errors without hiding the other cards', async () => {
    const api = mockGitopsApi();
    api.getHistory.mockRejectedValue(new Error('history broke'));
    api.getResources.mockRejectedValue(new Error('tree broke'));
    await renderWithGitops(<EntityGitopsContent />, { api });
    expect(
      await screen.findByText('Error: history broke', { selector: 'h6' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Error: tree broke', { selector: 'h6' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('version-dev')).toHaveTextContent('1.4.0');
  });
});
