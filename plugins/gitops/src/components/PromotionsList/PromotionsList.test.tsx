import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PromotionRecord } from '@internal/backstage-plugin-gitops-common';
import { PromotionsList } from './PromotionsList';
import {
  mockAlertApi,
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';

const promotion = (over: Partial<PromotionRecord>): PromotionRecord => ({
  id: 'p1',
  kind: 'promotion',
  entityRef: 'component:default/payments-api',
  from: 'dev',
  to: 'staging',
  version: '1.4.0',
  requester: 'user:default/alice',
  state: 'synced',
  mode: 'commit',
  commitSha: 'abcdef0123456',
  gateResults: [],
  files: [],
  createdAt: '2026-11-23T11:00:00Z',
  updatedAt: '2026-11-23T11:00:00Z',
  ...over,
});

describe('PromotionsList', () => {
  it('lists promotions with their state and change, and approves a waiting one', async () => {
    const api = mockGitopsApi();
    api.listPromotions.mockResolvedValue({
      configured: true,
      items: [
        promotion({
          id: 'p2',
          to: 'prod',
          from: 'staging',
          state: 'awaiting-approval',
          commitSha: undefined,
          branch: 'promote/payments-api-prod-1.4.0',
        }),
        promotion({}),
      ],
    });
    api.approvePromotion.mockResolvedValue(
      promotion({ id: 'p2', state: 'merged' }),
    );
    await renderWithGitops(<PromotionsList />, { api });

    const synced = (await screen.findByText('1.4.0: dev → staging')).closest(
      'tr',
    )!;
    expect(synced).toHaveTextContent('synced');
    expect(synced).toHaveTextContent('abcdef0');
    expect(within(synced).queryByRole('button')).not.toBeInTheDocument();

    const waiting = screen.getByText('1.4.0: staging → prod').closest('tr')!;
    expect(waiting).toHaveTextContent('promote/payments-api-prod-1.4.0');
    await userEvent.click(
      within(waiting).getByRole('button', { name: 'Approve 1.4.0 to prod' }),
    );
    await waitFor(() =>
      expect(api.approvePromotion).toHaveBeenCalledWith('p2'),
    );
    await waitFor(() => expect(api.listPromotions).toHaveBeenCalledTimes(2));
  });

  it('reports a refused approval (four eyes)', async () => {
    const api = mockGitopsApi();
    api.listPromotions.mockResolvedValue({
      configured: true,
      items: [promotion({ state: 'awaiting-approval', commitSha: undefined })],
    });
    api.approvePromotion.mockRejectedValue(
      new Error('the requester cannot approve their own promotion'),
    );
    const alertApi = mockAlertApi();
    await renderWithGitops(<PromotionsList />, { api, alertApi });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve 1.4.0 to staging' }),
    );
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          message:
            'Approval failed: the requester cannot approve their own promotion',
        }),
      ),
    );
  });

  it('says when there is no promotion yet', async () => {
    await renderWithGitops(<PromotionsList />);
    expect(await screen.findByText('No promotion yet.')).toBeInTheDocument();
  });

  it('says promotion is not configured, as a state, where the portal has no gitops repository', async () => {
    const api = mockGitopsApi();
    api.listPromotions.mockResolvedValue({ configured: false, items: [] });
    await renderWithGitops(<PromotionsList />, { api });
    expect(
      await screen.findByText(/Promotion is not configured on this portal/),
    ).toBeInTheDocument();
    expect(screen.queryByText('No promotion yet.')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
