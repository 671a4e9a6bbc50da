import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EntityGitopsSyncCard } from './EntityGitopsSyncCard';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { fakeSignals } from '../../__testUtils__/signals';
import { app, paymentsOverview } from '../../__testUtils__/fixtures';

const rowOf = (name: string) => screen.getByText(name).closest('tr')!;

// On the real clock, as the other live tests: the re-read's answer must render.
describe('EntityGitopsSyncCard live', () => {
  it('keeps an open dialog, and what was chosen in it, when the overview changes underneath', async () => {
    const signals = fakeSignals();
    const api = mockGitopsApi();
    await renderWithGitops(<EntityGitopsSyncCard />, {
      api,
      signalApi: signals.api,
    });
    await screen.findByText('payments-api-prod');
    await userEvent.click(
      within(rowOf('payments-api-prod')).getByRole('button', { name: 'Sync' }),
    );
    const dialog = await screen.findByRole('dialog');
    const prune = within(dialog).getByRole('checkbox', { name: /Dry run/ });
    await userEvent.click(prune);

    // Another person's sync of staging changes the overview while the dialog is open.
    const next = paymentsOverview();
    next.environments[1].applications[0] = {
      ...app('staging'),
      healthMessage: 'changed meanwhile',
    };
    api.getOverview.mockResolvedValue(next);
    signals.overviewChanged();
    await screen.findByText('changed meanwhile');

    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(
      within(dialog).getByRole('checkbox', { name: /Dry run/ }),
    ).toBeChecked();
  });

  it('keeps the events of Why? open when the overview changes', async () => {
    const signals = fakeSignals();
    const api = mockGitopsApi();
    const troubled = paymentsOverview();
    troubled.environments[2].applications[0] = {
      ...app('prod'),
      health: 'Degraded',
    };
    api.getOverview.mockResolvedValue(troubled);
    await renderWithGitops(<EntityGitopsSyncCard />, {
      api,
      signalApi: signals.api,
    });
    await screen.findByText('payments-api-prod');
    await userEvent.click(
      within(rowOf('payments-api-prod')).getByRole('button', {
        name: 'Why: events of payments-api-prod',
      }),
    );
    await screen.findByRole('dialog');
    const next = paymentsOverview();
    next.environments[2].applications[0] = {
      ...app('prod'),
      health: 'Degraded',
      healthMessage: 'still degraded',
    };
    api.getOverview.mockResolvedValue(next);
    signals.overviewChanged();
    await screen.findByText('still degraded');
    await waitFor(() => expect(screen.getByRole('dialog')).toBeVisible());
    expect(api.getEvents).toHaveBeenCalledTimes(1);
  });
});
