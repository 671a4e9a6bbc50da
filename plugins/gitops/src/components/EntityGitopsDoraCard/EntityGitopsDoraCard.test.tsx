import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsDoraCard } from './EntityGitopsDoraCard';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import {
  doraFigures,
  teamPaymentsEntity,
} from '../../__testUtils__/estateFixtures';
import { paymentsEntity } from '../../__testUtils__/fixtures';
import { fakeSignals } from '../../__testUtils__/signals';

const figure = (id: string) => screen.getByTestId(`dora-${id}`);

describe('EntityGitopsDoraCard', () => {
  it('shows the four figures of a service over 30 days, each with its sparkline', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsDoraCard />, { api });
    expect(
      await screen.findByTestId('dora-deployment-frequency'),
    ).toHaveTextContent('2.8 / week12 deployments to prod');
    expect(figure('lead-time')).toHaveTextContent(
      '5 hmedian of 11 deployments',
    );
    expect(figure('change-failure-rate')).toHaveTextContent(
      '17%2 of 12 deployments failed',
    );
    expect(figure('time-to-restore')).toHaveTextContent(
      '40 minmedian of 2 restores',
    );
    expect(api.getDora).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'Component', name: 'payments-api' }),
      { days: 30 },
    );
    // Five weekly buckets over 30 days; lead time has no sample in the second week.
    expect(
      within(figure('deployment-frequency')).getAllByTestId('sparkline-point'),
    ).toHaveLength(5);
    expect(
      within(figure('lead-time')).getAllByTestId('sparkline-point'),
    ).toHaveLength(4);
    expect(
      within(figure('lead-time')).getByRole('img', {
        name: /^Lead time for changes per week: 2026-10-24 3 h, 2026-10-31 no data, /,
      }),
    ).toBeInTheDocument();
  });

  it('asks for 90 days when toggled', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsDoraCard />, { api });
    await screen.findByTestId('dora-deployment-frequency');
    await userEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));
    await waitFor(() =>
      expect(figure('deployment-frequency')).toHaveTextContent(
        '36 deployments',
      ),
    );
    expect(api.getDora).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'payments-api' }),
      { days: 90 },
    );
    expect(
      within(figure('deployment-frequency')).getAllByTestId('sparkline-point'),
    ).toHaveLength(13);
    expect(
      screen.getByText('Deployments to production over the last 90 days'),
    ).toBeInTheDocument();
  });

  it('says "not enough data" for a figure without samples, and flags lead time outliers', async () => {
    const api = mockGitopsApi();
    const empty = doraFigures(30);
    empty.leadTime = { samples: 0, outliers: 2, series: [] };
    empty.changeFailureRate = { failed: 0, deployments: 0, series: [] };
    empty.timeToRestore = { samples: 0, series: [] };
    api.getDora.mockResolvedValue(empty);
    await renderWithGitops(<EntityGitopsDoraCard />, { api });
    const lead = await screen.findByTestId('dora-lead-time');
    expect(lead).toHaveTextContent('Not enough data');
    expect(lead).toHaveTextContent(
      '2 outliers left out: commit time after the deployment (clock skew',
    );
    expect(figure('change-failure-rate')).toHaveTextContent('Not enough data');
    expect(figure('time-to-restore')).toHaveTextContent('Not enough data');
    expect(within(lead).queryByRole('img')).not.toBeInTheDocument();
  });

  it('hides the outlier note when there is none, and states the definitions', async () => {
    const api = mockGitopsApi();
    api.getDora.mockResolvedValue(
      doraFigures(30, {
        leadTime: { ...doraFigures(30).leadTime, outliers: 0 },
      }),
    );
    await renderWithGitops(<EntityGitopsDoraCard />, { api });
    const lead = await screen.findByTestId('dora-lead-time');
    expect(lead).not.toHaveTextContent('outlier');
    const definitions = screen.getByLabelText('DORA definitions');
    expect(definitions).toHaveTextContent(
      'Change failure rateProd deployments followed within 24 h by a rollback, a failed sync or Degraded.',
    );
    expect(definitions).toHaveTextContent(
      'Lead time for changesFrom the commit time of the deployed revision to Synced and Healthy in prod.',
    );
  });

  it("shows a team's figures without asking for annotations, re-read on the team's signal", async () => {
    const api = mockGitopsApi();
    const signals = fakeSignals();
    api.getDora.mockResolvedValue(
      doraFigures(30, {
        entityRef: 'group:default/team-payments',
        services: 3,
      }),
    );
    await renderWithGitops(<EntityGitopsDoraCard />, {
      api,
      entity: teamPaymentsEntity,
      signalApi: signals.api,
    });
    expect(
      await screen.findByText(/^3 services · production: prod ·/),
    ).toBeInTheDocument();
    expect(api.getDora).toHaveBeenCalledTimes(1);
    signals.overviewChanged('group:default/team-payments');
    await waitFor(() => expect(api.getDora).toHaveBeenCalledTimes(2));
  });

  it('asks a service without annotations for them, and shows a backend error', async () => {
    const api = mockGitopsApi();
    const { unmount } = await renderWithGitops(<EntityGitopsDoraCard />, {
      api,
      entity: {
        ...paymentsEntity,
        metadata: { name: 'status-page', annotations: {} },
      },
    });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getDora).not.toHaveBeenCalled();
    unmount();

    api.getDora.mockRejectedValue(new Error('days must be 30 or 90'));
    await renderWithGitops(<EntityGitopsDoraCard />, { api });
    expect(
      await screen.findByText('Error: days must be 30 or 90', {
        selector: 'h6',
      }),
    ).toBeInTheDocument();
  });
});
