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
    expect(
      screen.getAllByTitle(/daily cost: 2026-11-21 5.00, 2026-11-22 6.00/),
    ).toHaveLength(3);
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
      screen.getByText(
        /Cost source cluster-prod: unavailable — malformed JSON/,
      ),
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
