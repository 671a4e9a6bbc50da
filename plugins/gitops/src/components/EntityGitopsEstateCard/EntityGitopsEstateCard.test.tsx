import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsEstateCard } from './EntityGitopsEstateCard';
import { EntityGitopsEstateBackupCard } from '../EntityGitopsEstateBackupCard';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import {
  paymentsSystemEntity,
  teamPaymentsEntity,
  teamPaymentsEstate,
} from '../../__testUtils__/estateFixtures';
import { paymentsEntity } from '../../__testUtils__/fixtures';
import { atFixedTime } from '../../__testUtils__/clock';
import { fakeSignals } from '../../__testUtils__/signals';

const rows = () =>
  screen
    .getAllByTestId(/^estate-row-/)
    .map(row => row.getAttribute('data-testid')!.replace('estate-row-', ''));

const cell = (service: string, env: string) =>
  screen.getByTestId(`estate-cell-component:default/${service}-${env}`);

describe('EntityGitopsEstateCard', () => {
  atFixedTime();

  it('shows each service × environment in the backend order, failing first', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsEstateCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    await screen.findByText('Refunds API');
    expect(rows()).toEqual([
      'component:default/refunds-api',
      'component:default/payments-api',
      'component:default/ledger-api',
    ]);
    const headers = screen.getAllByRole('columnheader').map(h => h.textContent);
    expect(headers).toEqual(['Service', 'dev', 'staging', 'prod']);

    const prod = cell('refunds-api', 'prod');
    expect(prod).toHaveTextContent('2.1.0');
    expect(prod).toHaveTextContent('Synced');
    expect(prod).toHaveTextContent('Degraded');
    expect(prod).toHaveTextContent('last sync failed');
    expect(prod).toHaveTextContent('deployed 3 h ago');
    // No application of ledger-api in staging.
    expect(cell('ledger-api', 'staging')).toHaveTextContent('—');
    expect(api.getEstate).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'Group', name: 'team-payments' }),
      { window: '30d' },
    );
  });

  it('marks a version waiting for promotion, and links each service to its page', async () => {
    await renderWithGitops(<EntityGitopsEstateCard />, {
      entity: teamPaymentsEntity,
    });
    await screen.findByText('Refunds API');
    expect(cell('payments-api', 'staging')).toHaveTextContent(
      /^1\.3\.2.*waiting: 1\.4\.0$/,
    );
    expect(cell('payments-api', 'prod')).toHaveTextContent('waiting: 1.3.2');
    expect(cell('payments-api', 'dev')).not.toHaveTextContent('waiting');
    expect(screen.getByRole('link', { name: 'payments-api' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api',
    );
  });

  it('filters to drifted or failing services, with their counts', async () => {
    await renderWithGitops(<EntityGitopsEstateCard />, {
      entity: teamPaymentsEntity,
    });
    await screen.findByText('Refunds API');
    const drifted = screen.getByRole('button', { name: 'Only drifted (1)' });
    const failing = screen.getByRole('button', { name: 'Only failing (1)' });

    await userEvent.click(drifted);
    expect(drifted).toHaveAttribute('aria-pressed', 'true');
    expect(rows()).toEqual(['component:default/payments-api']);

    await userEvent.click(drifted);
    await userEvent.click(failing);
    expect(rows()).toEqual(['component:default/refunds-api']);

    // Both: no service is drifted and failing at once.
    await userEvent.click(drifted);
    expect(screen.queryAllByTestId(/^estate-row-/)).toHaveLength(0);
    expect(
      screen.getByText('No service is drifted and failing.'),
    ).toBeInTheDocument();
  });

  it('says which services are in two systems', async () => {
    await renderWithGitops(<EntityGitopsEstateCard />, {
      entity: paymentsSystemEntity,
    });
    expect(
      await screen.findByText(
        /A service is part of more than one system \(ledger-api\)/,
      ),
    ).toBeInTheDocument();
    expect(
      within(
        screen.getByTestId('estate-row-component:default/ledger-api'),
      ).getByText('in 2 systems: payments, ledger'),
    ).toBeInTheDocument();
  });

  it('lists promotions waiting for approval, linked to the PR or the GitOps tab', async () => {
    await renderWithGitops(<EntityGitopsEstateCard />, {
      entity: teamPaymentsEntity,
    });
    const list = await screen.findByRole('list', {
      name: 'Promotions waiting for approval',
    });
    expect(
      within(list).getByRole('link', {
        // An external link's name adds that it opens a new window.
        name: /^payments-api 1\.3\.2: staging → prod/,
      }),
    ).toHaveAttribute('href', 'https://git.example.com/gitops/pulls/42');
    expect(
      within(list).getByRole('link', { name: 'refunds-api 2.2.0: dev → prod' }),
    ).toHaveAttribute('href', '/catalog/default/component/refunds-api/gitops');
    expect(list).toHaveTextContent('requested by alice 2 h ago');
  });

  it('names a failing source and the services it leaves incomplete', async () => {
    const estate = teamPaymentsEstate();
    estate.sources.push({
      kind: 'deployment',
      provider: 'argocd',
      name: 'argocd-prod',
      status: 'error',
      error: 'connect ECONNREFUSED',
    });
    const api = mockGitopsApi();
    api.getEstate.mockResolvedValue(estate);
    await renderWithGitops(<EntityGitopsEstateCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    expect(
      await screen.findByText(
        'argocd argocd-prod: unavailable — connect ECONNREFUSED',
      ),
    ).toBeInTheDocument();
    // The other rows still render.
    expect(screen.getByText('Refunds API')).toBeInTheDocument();
    expect(
      within(
        screen.getByTestId('estate-row-component:default/ledger-api'),
      ).getByText('incomplete: argocd argocd-prod: unavailable'),
    ).toBeInTheDocument();
  });

  it('tells a group without services what to annotate', async () => {
    const api = mockGitopsApi();
    api.getEstate.mockResolvedValue(
      teamPaymentsEstate({ services: [], approvals: [] }),
    );
    await renderWithGitops(<EntityGitopsEstateCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    expect(
      await screen.findByText('team-payments owns no service with GitOps.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Set spec.owner: team-payments on the components/),
    ).toHaveTextContent('argocd/app-selector or argocd/app-name');
  });

  it('re-reads the estate once for all cards of the page when the group signals a change', async () => {
    const api = mockGitopsApi();
    const signals = fakeSignals();
    await renderWithGitops(
      <>
        <EntityGitopsEstateCard />
        <EntityGitopsEstateBackupCard />
      </>,
      {
        api,
        entity: teamPaymentsEntity,
        signalApi: signals.api,
      },
    );
    await screen.findByText('Refunds API');
    expect(api.getEstate).toHaveBeenCalledTimes(1);
    api.getEstate.mockResolvedValue(
      teamPaymentsEstate({ services: teamPaymentsEstate().services.slice(1) }),
    );
    signals.overviewChanged('group:default/team-payments');
    await waitFor(() =>
      expect(screen.queryByText('Refunds API')).not.toBeInTheDocument(),
    );
    // Both cards heard the signal: still one read.
    expect(api.getEstate).toHaveBeenCalledTimes(2);
  });

  it('shows the error of the backend, and stays out of other kinds', async () => {
    const api = mockGitopsApi();
    api.getEstate.mockRejectedValue(new Error('estate exploded'));
    const { unmount } = await renderWithGitops(<EntityGitopsEstateCard />, {
      api,
      entity: teamPaymentsEntity,
    });
    expect(
      await screen.findByText('Error: estate exploded', { selector: 'h6' }),
    ).toBeInTheDocument();
    unmount();

    const other = mockGitopsApi();
    await renderWithGitops(<EntityGitopsEstateCard />, {
      api: other,
      entity: paymentsEntity,
    });
    expect(
      screen.getByText(/The estate is shown on Group and System pages/),
    ).toBeInTheDocument();
    expect(other.getEstate).not.toHaveBeenCalled();
  });
});
