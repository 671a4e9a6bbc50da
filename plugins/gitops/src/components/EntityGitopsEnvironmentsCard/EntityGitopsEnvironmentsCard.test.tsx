import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsEnvironmentsCard } from './EntityGitopsEnvironmentsCard';
import { itShowsTheSharedCardStates } from '../../__testUtils__/cardStates';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { atFixedTime } from '../../__testUtils__/clock';
import {
  AS_OF,
  DENY_ALL,
  app,
  paymentsOverview,
  prodDiff,
} from '../../__testUtils__/fixtures';

const HOUR_MS = 3600 * 1000;

describe('EntityGitopsEnvironmentsCard', () => {
  atFixedTime();

  it('shows each environment with status, version, deployment, cost and backup', async () => {
    await renderWithGitops(<EntityGitopsEnvironmentsCard />);

    expect(await screen.findByText('dev')).toBeInTheDocument();
    expect(screen.getByText('staging')).toBeInTheDocument();
    expect(screen.getByText('prod')).toBeInTheDocument();

    expect(screen.getByTestId('version-dev')).toHaveTextContent('1.4.0');
    expect(screen.getByTestId('version-staging')).toHaveTextContent('1.3.2');
    expect(screen.getByTestId('version-prod')).toHaveTextContent('1.3.0');

    expect(screen.getByTestId('status-prod')).toHaveTextContent('OutOfSync');
    expect(screen.getByTestId('status-dev')).toHaveTextContent('Synced');
    expect(screen.getByTestId('status-dev')).toHaveTextContent('Healthy');

    expect(screen.getByTestId('deployed-dev')).toHaveTextContent(
      /1 h ago\s*by alice/,
    );
    expect(screen.getByTestId('cost-prod')).toHaveTextContent('$421 / 7d');
    expect(screen.getByTestId('backup-dev')).toHaveTextContent('RPO 10 h');
  });

  it('offers the diff of an OutOfSync application only, and opens it in one click', async () => {
    const api = mockGitopsApi();
    api.getDiff.mockResolvedValue(prodDiff());
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, { api });
    const prod = await screen.findByTestId('status-prod');
    for (const env of ['dev', 'staging']) {
      expect(
        within(screen.getByTestId(`status-${env}`)).queryByRole('button'),
      ).not.toBeInTheDocument();
    }
    expect(screen.getAllByRole('button', { name: /^Diff of / })).toHaveLength(
      1,
    );
    await userEvent.click(
      within(prod).getByRole('button', { name: 'Diff of payments-api-prod' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Diff of payments-api-prod: live → git',
    });
    expect(
      await within(dialog).findByText('image 1.3.0 → 1.3.1'),
    ).toBeInTheDocument();
    expect(api.getDiff).toHaveBeenCalledWith(expect.anything(), {
      application: 'argocd-prod/payments-api-prod',
    });
  });

  it('offers the promotion of a version the next environment does not run', async () => {
    await renderWithGitops(<EntityGitopsEnvironmentsCard />);
    expect(
      await screen.findByRole('button', { name: 'Promote 1.4.0 to staging' }),
    ).toBeEnabled();
    expect(
      screen.getByRole('button', { name: 'Promote 1.3.2 to prod' }),
    ).toBeEnabled();
  });

  it('keeps the promotion visible but disabled, with the reason, for a user who may not promote', async () => {
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(
        paymentsOverview({ permissions: { ...DENY_ALL, sync: true } }),
      ),
    });
    expect(
      await screen.findByRole('button', {
        name: 'staging runs 1.3.2; dev runs 1.4.0. You are not allowed to promote payments-api',
      }),
    ).toBeDisabled();
  });

  it('keeps the promotion visible but disabled where the portal has no gitops repository', async () => {
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(paymentsOverview({ promotionsConfigured: false })),
    });
    expect(
      await screen.findByRole('button', {
        name: 'prod runs 1.3.0; staging runs 1.3.2. Promotion is not configured on this portal (gitops.repository)',
      }),
    ).toBeDisabled();
    expect(
      screen.queryByRole('button', { name: /^Promote / }),
    ).not.toBeInTheDocument();
  });

  it('says when neighbours run the same version', async () => {
    const overview = paymentsOverview();
    overview.environments[1].version.version = '1.4.0';
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    expect(
      await screen.findByLabelText('dev and staging run the same version'),
    ).toBeInTheDocument();
  });

  itShowsTheSharedCardStates(() => <EntityGitopsEnvironmentsCard />);

  it('keeps the other environments when one Argo CD instance fails', async () => {
    const overview = paymentsOverview();
    overview.environments = overview.environments.filter(
      e => e.name !== 'prod',
    );
    overview.sources[1] = {
      kind: 'deployment',
      provider: 'argocd',
      name: 'argocd-prod',
      status: 'error',
      error: 'connect ECONNREFUSED',
    };
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    expect(
      await screen.findByText(
        /argocd argocd-prod: unavailable — connect ECONNREFUSED/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('version-dev')).toHaveTextContent('1.4.0');
    expect(screen.queryByText('prod')).not.toBeInTheDocument();
  });

  it('degrades cost and backup cells alone when their sources are missing', async () => {
    const overview = paymentsOverview();
    overview.environments[0].cost = undefined;
    overview.environments[0].backup = undefined;
    overview.sources.push({
      kind: 'cost',
      provider: 'kubecost',
      name: 'cluster-prod',
      status: 'error',
      error: 'HTTP 503',
    });
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('cost-dev')).toHaveTextContent('no data');
    expect(screen.getByTestId('backup-dev')).toHaveTextContent('not covered');
    expect(
      screen.getByText(/kubecost cluster-prod: unavailable — HTTP 503/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('version-dev')).toHaveTextContent('1.4.0');
  });

  it('flags a failed last backup and an RPO over target, counted from the last success to now', async () => {
    const overview = paymentsOverview();
    const backup = overview.environments[2].backup!;
    backup.lastPhase = 'Failed';
    backup.lastSuccessfulAt = new Date(
      Date.parse(AS_OF) - 30 * HOUR_MS,
    ).toISOString();
    // As of an older view: the time of the last success wins.
    backup.rpoSeconds = 3600;
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    const cell = await screen.findByTestId('backup-prod');
    expect(cell).toHaveTextContent('RPO 1 d 6 h (over target)');
    expect(cell).toHaveTextContent('last: Failed');
  });

  it('turns "over target" on by itself as time passes, without a request', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, { api });
    const cell = await screen.findByTestId('backup-dev');
    expect(cell).toHaveTextContent('RPO 10 h');
    expect(cell).not.toHaveTextContent('over target');

    // The last backup was at 02:05; the target is 26 h: over at 04:05 the next day.
    await act(async () => {
      jest.advanceTimersByTime(17 * HOUR_MS);
    });
    expect(screen.getByTestId('backup-dev')).toHaveTextContent(
      'RPO 1 d 3 h (over target)',
    );
    expect(screen.getByTestId('deployed-dev')).toHaveTextContent('18 h ago');
    expect(api.getOverview).toHaveBeenCalledTimes(1);
  });

  it('says "no schedule" rather than a missing backup where nothing is scheduled', async () => {
    const overview = paymentsOverview();
    Object.assign(overview.environments[0].backup!, {
      schedules: [],
      rpoSeconds: undefined,
      lastSuccessfulAt: undefined,
    });
    Object.assign(overview.environments[1].backup!, {
      rpoSeconds: undefined,
      lastSuccessfulAt: undefined,
    });
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('backup-dev')).toHaveTextContent(
      'no schedule',
    );
    expect(screen.getByTestId('backup-staging')).toHaveTextContent(
      'no successful backup',
    );
  });

  it('says whether an environment runs nothing yet or different versions', async () => {
    const overview = paymentsOverview();
    overview.environments[1].version = {};
    overview.environments[1].applications = [
      app('staging', { images: ['registry.example.com/payments-api:1.3.2'] }),
      app('staging', {
        name: 'payments-worker-staging',
        images: ['registry.example.com/payments-api:1.3.1'],
      }),
    ];
    overview.environments[2].version = {};
    overview.environments[2].applications = [
      app('prod', { sync: 'OutOfSync', health: 'Missing', images: [] }),
    ];
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('version-staging')).toHaveTextContent(
      'mixed',
    );
    expect(screen.getByTestId('version-prod')).toHaveTextContent(
      'not deployed',
    );
  });

  it('shows unknown statuses as unknown', async () => {
    const overview = paymentsOverview();
    overview.environments[0].applications = [
      app('dev', { sync: 'Unknown', health: 'Unknown' }),
    ];
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(overview),
    });
    const cell = await screen.findByTestId('status-dev');
    expect(within(cell).getAllByText('Unknown')).toHaveLength(2);
  });

  it('explains when no application matches', async () => {
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, {
      api: mockGitopsApi(paymentsOverview({ environments: [] })),
    });
    expect(
      await screen.findByText(/No Argo CD application matches/),
    ).toBeInTheDocument();
  });
});
