import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import type { ApplicationOperation } from '@internal/backstage-plugin-gitops-common';
import { SyncPhases } from './SyncPhases';

const failedFirstSync: ApplicationOperation = {
  phase: 'Failed',
  kind: 'sync',
  message:
    'one or more synchronization tasks completed unsuccessfully, reason: PreSync hook Job/payments-migrate failed',
  tasks: [
    {
      kind: 'Job',
      group: 'batch',
      name: 'payments-migrate',
      syncPhase: 'PreSync',
      hookType: 'PreSync',
      hookPhase: 'Failed',
      status: 'SyncFailed',
      message:
        'CreateContainerConfigError: secret "payments-secrets" not found',
    },
    {
      kind: 'Job',
      name: 'notify-failure',
      syncPhase: 'SyncFail',
      hookType: 'SyncFail',
      hookPhase: 'Succeeded',
      status: 'Synced',
    },
  ],
  retry: { count: 2, limit: 5 },
};

describe('SyncPhases', () => {
  it('names the hook that failed the sync, with its message, and the attempts', async () => {
    await renderInTestApp(<SyncPhases operation={failedFirstSync} />);
    expect(
      screen.getByText(
        'Failed at PreSync hook Job/payments-migrate: CreateContainerConfigError: secret "payments-secrets" not found',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Attempt 3 of 6')).toBeInTheDocument();
    const phases = within(screen.getByRole('list', { name: 'Sync phases' }))
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(phases).toEqual([
      'PreSync · Job/payments-migrate Failed',
      'SyncFail · Job/notify-failure Succeeded',
    ]);
  });

  it('shows each phase in Argo CD’s order with its hooks and how many resources it applied', async () => {
    await renderInTestApp(
      <SyncPhases
        operation={{
          phase: 'Succeeded',
          kind: 'sync',
          tasks: [
            {
              kind: 'ExternalSecret',
              name: 'db',
              syncPhase: 'Sync',
              status: 'Synced',
            },
            {
              kind: 'Job',
              name: 'payments-migrate',
              syncPhase: 'Sync',
              hookType: 'Sync',
              hookPhase: 'Succeeded',
            },
            {
              kind: 'Deployment',
              name: 'payments-api',
              syncPhase: 'Sync',
              status: 'Synced',
            },
            {
              kind: 'Job',
              name: 'smoke',
              syncPhase: 'PostSync',
              hookType: 'PostSync',
              hookPhase: 'Running',
            },
          ],
        }}
      />,
    );
    expect(screen.queryByText(/^Failed at/)).not.toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Sync phases' }))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      'Sync · 2 resources · Job/payments-migrate Succeeded',
      'PostSync · Job/smoke Running',
    ]);
  });

  it('renders nothing for an operation without tasks', async () => {
    await renderInTestApp(
      <div data-testid="host">
        <SyncPhases operation={{ phase: 'Running', kind: 'sync' }} />
      </div>,
    );
    expect(screen.getByTestId('host')).toBeEmptyDOMElement();
  });
});
