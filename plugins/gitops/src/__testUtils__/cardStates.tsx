// A shared set of tests that card test files call; exporting it is the point.
/* eslint-disable jest/no-export */
import type { ReactElement } from 'react';
import { screen } from '@testing-library/react';
import { mockGitopsApi, renderWithGitops } from './renderWithGitops';
import { paymentsEntity } from './fixtures';

/**
 * The states every overview card shares: a progress bar until the first answer, the backend's
 * error when there is none, and the missing-annotation explanation (without a request).
 */
export function itShowsTheSharedCardStates(card: () => ReactElement) {
  it('shows a progress bar while loading', async () => {
    const api = mockGitopsApi();
    api.getOverview.mockReturnValue(new Promise(() => {}));
    await renderWithGitops(card(), { api });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderWithGitops(card(), {
      api: mockGitopsApi(new Error('backend exploded')),
    });
    expect(
      await screen.findByText('Error: backend exploded', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('asks for the annotation when it is missing, without calling the backend', async () => {
    const api = mockGitopsApi();
    await renderWithGitops(card(), {
      api,
      entity: {
        ...paymentsEntity,
        metadata: { name: 'status-page', annotations: {} },
      },
    });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/argocd\/app-selector/).length).toBeGreaterThan(
      0,
    );
    expect(api.getOverview).not.toHaveBeenCalled();
  });
}
