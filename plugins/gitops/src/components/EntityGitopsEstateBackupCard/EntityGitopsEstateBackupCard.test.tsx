import { screen, within } from '@testing-library/react';
import { EntityGitopsEstateBackupCard } from './EntityGitopsEstateBackupCard';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import {
  teamPaymentsEntity,
  teamPaymentsEstate,
} from '../../__testUtils__/estateFixtures';
import { atFixedTime } from '../../__testUtils__/clock';

describe('EntityGitopsEstateBackupCard', () => {
  atFixedTime();

  it('shows the uncovered prod namespaces, the worst RPO against target and the failures', async () => {
    await renderWithGitops(<EntityGitopsEstateBackupCard />, {
      entity: teamPaymentsEntity,
    });
    const uncovered = await screen.findByTestId('estate-uncovered');
    expect(uncovered).toHaveTextContent(
      '1 prod namespace without a Velero schedule',
    );
    expect(uncovered).toHaveTextContent('refunds-api-prod (refunds-api, prod)');
    expect(
      within(uncovered).getByRole('link', { name: 'refunds-api' }),
    ).toHaveAttribute('href', '/catalog/default/component/refunds-api');
    expect(screen.getByTestId('estate-worst-rpo')).toHaveTextContent(
      'Worst RPO 1 d 6 h (target 1 d 2 h): payments-api in prod',
    );
    expect(
      screen.getByRole('list', { name: 'Failed backups' }),
    ).toHaveTextContent(
      'PartiallyFailed: ledger-api-prod-daily-20261123020000 (ledger-api, prod), 10 h ago',
    );
  });

  it('counts the RPO on the clock, not as of the answer', async () => {
    const api = mockGitopsApi();
    const estate = teamPaymentsEstate();
    // Within target as of the answer, 30 h old on the clock.
    estate.backups.worstRpo!.rpoSeconds = 3600;
    api.getEstate.mockResolvedValue(estate);
    await renderWithGitops(<EntityGitopsEstateBackupCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    expect(await screen.findByTestId('estate-worst-rpo')).toHaveTextContent(
      'Worst RPO 1 d 6 h',
    );
  });

  it('says when every prod namespace is covered, and names a failing Velero', async () => {
    const api = mockGitopsApi();
    const estate = teamPaymentsEstate();
    estate.backups.uncovered = [];
    estate.sources.push({
      kind: 'backup',
      provider: 'velero',
      name: 'cluster-prod',
      status: 'error',
      error: 'HTTP 503',
    });
    api.getEstate.mockResolvedValue(estate);
    await renderWithGitops(<EntityGitopsEstateBackupCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    expect(
      await screen.findByText('Every prod namespace has a backup schedule'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('velero cluster-prod: unavailable — HTTP 503'),
    ).toBeInTheDocument();
  });

  it('says so when there is no backup data at all', async () => {
    const api = mockGitopsApi();
    api.getEstate.mockResolvedValue(
      teamPaymentsEstate({
        backups: { uncovered: [], failures: [], errors: [] },
      }),
    );
    await renderWithGitops(<EntityGitopsEstateBackupCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    expect(
      await screen.findByText(
        "No Velero backup data for the estate's services.",
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Every prod namespace has a backup schedule'),
    ).not.toBeInTheDocument();
  });
});
