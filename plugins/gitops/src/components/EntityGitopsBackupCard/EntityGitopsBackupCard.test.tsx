import { screen } from '@testing-library/react';
import { EntityGitopsBackupCard } from './EntityGitopsBackupCard';
import { itShowsTheSharedCardStates } from '../../__testUtils__/cardStates';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { AS_OF, paymentsOverview } from '../../__testUtils__/fixtures';
import { atFixedTime } from '../../__testUtils__/clock';

describe('EntityGitopsBackupCard', () => {
  atFixedTime();

  it('shows the last successful backup, RPO against target and the schedule', async () => {
    await renderWithGitops(<EntityGitopsBackupCard />);
    const dev = await screen.findByTestId('backup-env-dev');
    expect(dev).toHaveTextContent('RPO 10 h — within target 1 d 2 h');
    expect(dev).toHaveTextContent(
      'Last successful backup: 10 h ago (payments-api-dev-daily-20261123020000)',
    );
    expect(dev).toHaveTextContent(
      'Schedule: payments-api-dev-daily (0 2 * * *)',
    );
    expect(dev).toHaveTextContent('Last backup: Completed');
  });

  it('lists failures and partial failures with their error counts', async () => {
    const overview = paymentsOverview();
    const backup = overview.environments[2].backup!;
    backup.lastPhase = 'Failed';
    backup.failures = [
      {
        name: 'prod-daily-2',
        phase: 'Failed',
        errors: 3,
        warnings: 0,
        at: '2026-11-23T02:00:00.000Z',
      },
      {
        name: 'prod-daily-1',
        phase: 'PartiallyFailed',
        errors: 1,
        warnings: 2,
      },
    ];
    await renderWithGitops(<EntityGitopsBackupCard />, {
      api: mockGitopsApi(overview),
    });
    const list = await screen.findByLabelText('Failed backups in prod');
    expect(list).toHaveTextContent(
      'Failed: prod-daily-2, 10 h ago — 3 errors, 0 warnings',
    );
    expect(list).toHaveTextContent(
      'PartiallyFailed: prod-daily-1 — 1 error, 2 warnings',
    );
    expect(screen.getByTestId('backup-env-prod')).toHaveTextContent(
      'Last backup: Failed',
    );
  });

  it('flags an RPO over target and a missing successful backup', async () => {
    const overview = paymentsOverview();
    // The age counts from the last success, now: 48 h before the fixed clock.
    overview.environments[0].backup!.lastSuccessfulAt = new Date(
      Date.parse(AS_OF) - 48 * 3600_000,
    ).toISOString();
    Object.assign(overview.environments[1].backup!, {
      rpoSeconds: undefined,
      lastSuccessfulAt: undefined,
    });
    await renderWithGitops(<EntityGitopsBackupCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('backup-env-dev')).toHaveTextContent(
      'RPO 2 d — over target 1 d 2 h',
    );
    expect(screen.getByTestId('backup-env-staging')).toHaveTextContent(
      'No successful backup',
    );
  });

  it('warns about namespaces without a schedule and an unavailable storage location', async () => {
    const overview = paymentsOverview();
    Object.assign(overview.environments[0].backup!, {
      schedules: [],
      uncoveredNamespaces: ['payments-api-dev'],
      unavailableLocations: ['default'],
    });
    await renderWithGitops(<EntityGitopsBackupCard />, {
      api: mockGitopsApi(overview),
    });
    expect(
      await screen.findByText(
        'No schedule backs up namespace payments-api-dev',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Backup storage location default is Unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('backup-env-dev')).toHaveTextContent(
      'Schedule: none',
    );
  });

  it('keeps the other environments when Velero of one cluster fails', async () => {
    const overview = paymentsOverview();
    overview.environments[2].backup = undefined;
    overview.sources.push({
      kind: 'backup',
      provider: 'velero',
      name: 'cluster-prod',
      status: 'error',
      error: 'HTTP 500 from the Kubernetes API',
    });
    await renderWithGitops(<EntityGitopsBackupCard />, {
      api: mockGitopsApi(overview),
    });
    expect(await screen.findByTestId('backup-env-prod')).toHaveTextContent(
      'No Velero data for this environment',
    );
    expect(
      screen.getByText(/velero cluster-prod: unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('backup-env-dev')).toHaveTextContent('RPO 10 h');
  });

  itShowsTheSharedCardStates(() => <EntityGitopsBackupCard />);
});
