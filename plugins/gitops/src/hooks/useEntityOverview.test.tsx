import { act, screen, waitFor } from '@testing-library/react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { gitopsApiRef } from '../api';
import { mockGitopsApi } from '../__testUtils__/renderWithGitops';
import {
  app,
  paymentsEntity,
  paymentsOverview,
} from '../__testUtils__/fixtures';
import { fakeSignals } from '../__testUtils__/signals';
import { useEntityOverview } from './useEntityOverview';

const Version = ({ label }: { label: string }) => {
  const { value } = useEntityOverview();
  return (
    <div data-testid={label}>
      {value?.environments[0].version.version ?? 'loading'}
    </div>
  );
};

describe('useEntityOverview', () => {
  it('loads once for all cards and reloads when the entity channel signals a change', async () => {
    const api = mockGitopsApi();
    const signals = fakeSignals();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [gitopsApiRef, api],
          [signalApiRef, signals.api],
        ]}
      >
        <EntityProvider entity={paymentsEntity}>
          <Version label="card-a" />
          <Version label="card-b" />
          <Version label="card-c" />
        </EntityProvider>
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(screen.getByTestId('card-a')).toHaveTextContent('1.4.0'),
    );
    expect(screen.getByTestId('card-c')).toHaveTextContent('1.4.0');
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    expect(
      signals.subscribers.get('gitops:component:default/payments-api')?.size,
    ).toBeGreaterThan(0);

    const updated = paymentsOverview();
    updated.environments[0].version.version = '1.5.0';
    api.getOverview.mockResolvedValue(updated);
    signals.publish('gitops:component:default/payments-api', {
      type: 'overview-changed',
      entityRef: 'component:default/payments-api',
    });

    await waitFor(() =>
      expect(screen.getByTestId('card-b')).toHaveTextContent('1.5.0'),
    );
    // Three cards heard the signal; one request was made.
    expect(api.getOverview).toHaveBeenCalledTimes(2);
  });

  it('does not poll while nothing changes', async () => {
    jest.useFakeTimers();
    try {
      const api = mockGitopsApi();
      await renderInTestApp(
        <TestApiProvider apis={[[gitopsApiRef, api]]}>
          <EntityProvider entity={paymentsEntity}>
            <Version label="card" />
          </EntityProvider>
        </TestApiProvider>,
      );
      await waitFor(() =>
        expect(screen.getByTestId('card')).toHaveTextContent('1.4.0'),
      );
      await act(async () => {
        jest.advanceTimersByTime(60_000);
      });
      expect(api.getOverview).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('without Signals, re-reads only while an operation runs', async () => {
    jest.useFakeTimers();
    try {
      const running = paymentsOverview();
      running.environments[2].applications = [
        app('prod', { operation: { phase: 'Running', kind: 'sync' } }),
      ];
      const done = paymentsOverview();
      const api = mockGitopsApi(running);
      await renderInTestApp(
        <TestApiProvider apis={[[gitopsApiRef, api]]}>
          <EntityProvider entity={paymentsEntity}>
            <Version label="card" />
          </EntityProvider>
        </TestApiProvider>,
      );
      await waitFor(() => expect(api.getOverview).toHaveBeenCalledTimes(1));
      api.getOverview.mockResolvedValue(done);
      await act(async () => {
        jest.advanceTimersByTime(2_100);
      });
      await waitFor(() => expect(api.getOverview).toHaveBeenCalledTimes(2));
      // The operation finished: no more reads.
      await act(async () => {
        jest.advanceTimersByTime(20_000);
      });
      expect(api.getOverview).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
