import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsCostCard } from './EntityGitopsCostCard';
import { itShowsTheSharedCardStates } from '../../__testUtils__/cardStates';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { paymentsOverview } from '../../__testUtils__/fixtures';

describe('EntityGitopsCostCard', () => {
  it('shows total, breakdown, efficiency and trend per environment', async () => {
    await renderWithGitops(<EntityGitopsCostCard />);
    const prod = await screen.findByTestId('cost-row-prod');
    expect(prod).toHaveTextContent('$421');
    expect(prod).toHaveTextContent('$20'); // cpu
    expect(prod).toHaveTextContent('$2.25'); // network
    expect(prod).toHaveTextContent('42%');
    // The trend is the card's own request, per environment.
    expect(
      await screen.findByTitle(
        'prod daily cost: 2026-11-21 60.00, 2026-11-22 62.00, 2026-11-23 58.00',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByTitle(/^(dev|staging) daily cost: 2026-11-21 5.00/),
    ).toHaveLength(2);
  });

  it('asks the backend for the chosen window', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsCostCard />, { api });
    await screen.findByTestId('cost-row-dev');
    // First the page's shared overview, in the backend's default window.
    expect(api.getOverview).toHaveBeenLastCalledWith(
      expect.anything(),
      undefined,
    );
    expect(screen.getByRole('button', { name: 'Last 7d' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Last 30d' }));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith(expect.anything(), {
        costWindow: '30d',
      }),
    );
    // The daily trend follows the window, asked for this entity only.
    expect(api.getCostTrend).toHaveBeenNthCalledWith(
      1,
      expect.objectContaining({ name: 'payments-api' }),
      { window: '7d' },
    );
    await waitFor(() =>
      expect(api.getCostTrend).toHaveBeenLastCalledWith(
        expect.objectContaining({ name: 'payments-api' }),
        { window: '30d' },
      ),
    );
  });

  it('keeps the totals when the daily trend fails, and says the trend is unavailable', async () => {
    const api = mockGitopsApi();
    api.getCostTrend.mockRejectedValue(new Error('HTTP 502 from opencost'));
    await renderWithGitops(<EntityGitopsCostCard />, { api });
    expect(
      await screen.findByText(
        /Daily trend unavailable: HTTP 502 from opencost/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cost-row-prod')).toHaveTextContent('$421');
    expect(screen.queryByTitle(/daily cost/)).not.toBeInTheDocument();
  });

  it('uses the currency the backend reports', async () => {
    const overview = paymentsOverview();
    overview.environments.forEach(env => {
      env.cost!.currency = 'EUR';
    });
    await renderWithGitops(<EntityGitopsCostCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('cost-row-prod')).toHaveTextContent(
      '€421',
    );
  });

  it('keeps environments with cost when another has none, and names the failing source', async () => {
    const overview = paymentsOverview();
    overview.environments[2].cost = undefined;
    overview.sources.push({
      kind: 'cost',
      provider: 'opencost',
      name: 'cluster-prod',
      status: 'error',
      error: 'malformed JSON from the allocation API',
    });
    await renderWithGitops(<EntityGitopsCostCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('cost-row-prod')).toHaveTextContent(
      'No cost data for this environment',
    );
    expect(screen.getByTestId('cost-row-dev')).toHaveTextContent('$35');
    expect(
      screen.getByText(/opencost cluster-prod: unavailable — malformed JSON/),
    ).toBeInTheDocument();
  });

  it('says so when there is no cost data at all', async () => {
    const overview = paymentsOverview();
    overview.environments.forEach(env => {
      env.cost = undefined;
    });
    await renderWithGitops(<EntityGitopsCostCard />, {
      api: mockGitopsApi(overview),
    });
    expect(
      await screen.findByText(
        "No cost data for this entity's workloads over 7d.",
      ),
    ).toBeInTheDocument();
  });

  itShowsTheSharedCardStates(() => <EntityGitopsCostCard />);
});
