import { act, screen, waitFor } from '@testing-library/react';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../__testUtils__/renderWithGitops';
import { fakeSignals } from '../__testUtils__/signals';
import { useLiveEntityQuery } from './useLiveEntityQuery';

const Count = () => {
  const state = useLiveEntityQuery((api, entity) => api.getResources(entity));
  return (
    <div data-testid="count">{state.value?.applications.length ?? '…'}</div>
  );
};

describe('useLiveEntityQuery', () => {
  it('re-reads once per signal, not again after each read', async () => {
    const api = mockGitopsApi();
    const signals = fakeSignals();
    await renderWithGitops(<Count />, { api, signalApi: signals.api });
    await waitFor(() =>
      expect(screen.getByTestId('count')).toHaveTextContent('0'),
    );
    expect(api.getResources).toHaveBeenCalledTimes(1);

    signals.overviewChanged();
    await waitFor(() => expect(api.getResources).toHaveBeenCalledTimes(2));
    // Give a loop a chance to show itself.
    await act(() => new Promise(resolve => setTimeout(resolve, 200)));
    expect(api.getResources).toHaveBeenCalledTimes(2);

    signals.overviewChanged();
    await waitFor(() => expect(api.getResources).toHaveBeenCalledTimes(3));
  });
});
