import { screen, waitFor, within } from '@testing-library/react';
import { EntityGitopsSyncCard } from './EntityGitopsSyncCard';
import { EntityGitopsEnvironmentsCard } from '../EntityGitopsEnvironmentsCard';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { DENY_ALL, paymentsOverview } from '../../__testUtils__/fixtures';

// What the policy decided for this user comes with the overview.
const denied = () =>
  mockGitopsApi(paymentsOverview({ permissions: { ...DENY_ALL } }));

describe('EntityGitopsSyncCard without permission', () => {
  it('disables every action, with the reason, when the overview says the policy denies it', async () => {
    await renderWithGitops(<EntityGitopsSyncCard />, { api: denied() });
    await screen.findByText('payments-api-prod');
    const prod = within(screen.getByText('payments-api-prod').closest('tr')!);
    await waitFor(() =>
      expect(prod.getByRole('button', { name: 'Sync' })).toBeDisabled(),
    );
    expect(prod.getByRole('button', { name: 'Refresh' })).toBeDisabled();
    expect(prod.getByRole('button', { name: 'Rollback' })).toBeDisabled();
    expect(
      prod.getByLabelText(
        'Sync: You are not allowed to sync applications of payments-api',
      ),
    ).toBeInTheDocument();
  });

  it('disables the promotion entry point, with the reason', async () => {
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, { api: denied() });
    await waitFor(() =>
      expect(
        screen.getByRole('button', {
          name: 'staging runs 1.3.2; dev runs 1.4.0. You are not allowed to promote payments-api',
        }),
      ).toBeDisabled(),
    );
  });
});
