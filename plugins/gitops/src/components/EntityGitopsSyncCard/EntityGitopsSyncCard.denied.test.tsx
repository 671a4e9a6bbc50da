import { screen, waitFor, within } from '@testing-library/react';
import { EntityGitopsSyncCard } from './EntityGitopsSyncCard';
import { EntityGitopsEnvironmentsCard } from '../EntityGitopsEnvironmentsCard';
import { renderWithGitops } from '../../__testUtils__/renderWithGitops';

// In its own file: permission answers are cached per module (SWR), so a denial must not
// share a module with tests where the same permission was allowed.
describe('EntityGitopsSyncCard without permission', () => {
  it('disables every action, with the reason, when the permission is denied', async () => {
    await renderWithGitops(<EntityGitopsSyncCard />, { allow: false });
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
    await renderWithGitops(<EntityGitopsEnvironmentsCard />, { allow: false });
    await waitFor(() =>
      expect(
        screen.getByRole('button', {
          name: 'staging runs 1.3.2; dev runs 1.4.0. You are not allowed to promote payments-api',
        }),
      ).toBeDisabled(),
    );
  });
});
