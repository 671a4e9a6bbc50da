import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsEstateCostCard } from './EntityGitopsEstateCostCard';
import { EntityGitopsEstateCard } from '../EntityGitopsEstateCard';
import {
  mockAlertApi,
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import {
  teamPaymentsEntity,
  teamPaymentsEstate,
} from '../../__testUtils__/estateFixtures';

const group = { entity: teamPaymentsEntity };

describe('EntityGitopsEstateCostCard', () => {
  it('shows the cost per service and environment, totals and efficiency', async () => {
    await renderWithGitops(<EntityGitopsEstateCostCard />, group);
    const payments = await screen.findByTestId(
      'cost-service-component:default/payments-api',
    );
    // dev, staging, prod, total, efficiency weighted by cost: (18 + 20 + 180) / 480.
    expect(
      within(payments)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['payments-api', '$30', '$50', '$400', '$480', '45%']);
    // ledger-api has no staging application, hence no cost there.
    expect(
      screen.getByTestId('cost-service-component:default/ledger-api'),
    ).toHaveTextContent('$10—$90$100');
    expect(screen.getByTestId('cost-by-environment')).toHaveTextContent(
      'All services$60$50$690$800',
    );
    expect(screen.getByTestId('cost-total')).toHaveTextContent(
      '$800 over 30d · efficiency',
    );
  });

  it('shows idle and unallocated costs apart, per cluster', async () => {
    await renderWithGitops(<EntityGitopsEstateCostCard />, group);
    expect(
      await screen.findByTestId('cost-apart-cluster-main'),
    ).toHaveTextContent('cluster-main$120$30');
    expect(screen.getByTestId('cost-apart-cluster-prod')).toHaveTextContent(
      'cluster-prod$80—',
    );
  });

  it('shares the page estate request with the matrix, and asks again for another window', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(
      <>
        <EntityGitopsEstateCard />
        <EntityGitopsEstateCostCard />
      </>,
      { ...group, api },
    );
    await screen.findByTestId('cost-total');
    await screen.findByTestId('estate-row-component:default/refunds-api');
    expect(api.getEstate).toHaveBeenCalledTimes(1);

    api.getEstate.mockImplementation(async (_e, { window }) => {
      const estate = teamPaymentsEstate();
      return { ...estate, cost: { ...estate.cost, window, total: 190 } };
    });
    await userEvent.click(screen.getByRole('button', { name: 'Last 7d' }));
    expect(await screen.findByTestId('cost-total')).toHaveTextContent(
      '$190 over 7d',
    );
    expect(api.getEstate).toHaveBeenLastCalledWith(
      expect.objectContaining({ name: 'team-payments' }),
      { window: '7d' },
    );
  });

  it('asks for the daily trend only when opened', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsEstateCostCard />, { ...group, api });
    await screen.findByTestId('cost-total');
    expect(api.getEstateCostTrend).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Show daily trend' }),
    );
    expect(
      await screen.findByTitle(
        'prod daily cost: 2026-11-21 30.00, 2026-11-22 36.00, 2026-11-23 33.00',
      ),
    ).toBeInTheDocument();
    expect(api.getEstateCostTrend).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'team-payments' }),
      { window: '30d' },
    );
  });

  it('downloads the chargeback CSV through the API as a file', async () => {
    const api = mockGitopsApi();
    const created: Blob[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:http://localhost/csv-1';
    });
    URL.revokeObjectURL = jest.fn();
    const clicks: Array<{ href: string; download: string }> = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        clicks.push({ href: this.href, download: this.download });
      });
    try {
      await renderWithGitops(<EntityGitopsEstateCostCard />, { ...group, api });
      await screen.findByTestId('cost-total');
      await userEvent.click(
        screen.getByRole('button', { name: 'Download CSV' }),
      );
      await waitFor(() => expect(clicks).toHaveLength(1));
      expect(api.getEstateCostCsv).toHaveBeenCalledWith(
        expect.objectContaining({ kind: 'Group', name: 'team-payments' }),
        { window: '30d' },
      );
      expect(clicks[0]).toEqual({
        href: 'blob:http://localhost/csv-1',
        download: 'team-payments-cost-30d.csv',
      });
      expect(await created[0].text()).toBe('service,environment,total\n');
      await waitFor(() =>
        expect(URL.revokeObjectURL).toHaveBeenCalledWith(
          'blob:http://localhost/csv-1',
        ),
      );
    } finally {
      click.mockRestore();
    }
  });

  it('says when the download fails', async () => {
    const api = mockGitopsApi();
    const alertApi = mockAlertApi();
    api.getEstateCostCsv.mockRejectedValue(new Error('HTTP 403 not allowed'));
    await renderWithGitops(<EntityGitopsEstateCostCard />, {
      ...group,
      api,
      alertApi,
    });
    await screen.findByTestId('cost-total');
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'CSV download failed: HTTP 403 not allowed',
        severity: 'error',
      }),
    );
  });

  it('a cost engine down: the cost part says so, the matrix still renders', async () => {
    const api = mockGitopsApi();
    const estate = teamPaymentsEstate();
    api.getEstate.mockResolvedValue({
      ...estate,
      cost: {
        ...estate.cost,
        rows: [],
        byEnvironment: {},
        total: 0,
        apart: [],
        errors: ['opencost cluster-main: HTTP 502'],
      },
    });
    await renderWithGitops(
      <>
        <EntityGitopsEstateCard />
        <EntityGitopsEstateCostCard />
      </>,
      { ...group, api },
    );
    expect(
      await screen.findByText(
        'Cost unavailable from opencost cluster-main: HTTP 502',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText("No cost data for the estate's workloads over 30d."),
    ).toBeInTheDocument();
    expect(
      screen.getByTestId('estate-cell-component:default/payments-api-prod'),
    ).toHaveTextContent('1.3.0');
  });

  it('names a failing cost source once, keeping the rows that came', async () => {
    const api = mockGitopsApi();
    const estate = teamPaymentsEstate();
    estate.sources.push({
      kind: 'cost',
      provider: 'kubecost',
      name: 'cluster-prod',
      status: 'error',
      error: 'timeout',
    });
    estate.cost.errors = ['kubecost cluster-prod: timeout'];
    api.getEstate.mockResolvedValue(estate);
    await renderWithGitops(<EntityGitopsEstateCostCard />, { ...group, api });
    expect(
      await screen.findByText('kubecost cluster-prod: unavailable — timeout'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Cost unavailable from/)).not.toBeInTheDocument();
    expect(screen.getByTestId('cost-total')).toHaveTextContent('$800');
  });
});
