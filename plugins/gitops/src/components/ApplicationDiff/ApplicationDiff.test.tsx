import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApplicationDiff } from './ApplicationDiff';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';
import { app, prodDiff } from '../../__testUtils__/fixtures';

const outOfSync = app('prod', { sync: 'OutOfSync' });

async function openDiff(api = mockGitopsApi()) {
  await renderWithGitops(<ApplicationDiff app={outOfSync} />, { api });
  await userEvent.click(
    screen.getByRole('button', { name: 'Diff of payments-api-prod' }),
  );
  return screen.findByRole('dialog');
}

describe('ApplicationDiff', () => {
  it('is not offered for a Synced application', async () => {
    await renderWithGitops(<ApplicationDiff app={app('dev')} />);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('asks the diff of that application once when opened, and shows summary, hunks and -/+ lines', async () => {
    const api = mockGitopsApi();
    api.getDiff.mockResolvedValue(prodDiff());
    await renderWithGitops(<ApplicationDiff app={outOfSync} />, { api });
    expect(api.getDiff).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', { name: 'Diff of payments-api-prod' }),
    );
    const dialog = await screen.findByRole('dialog');
    const deployment = await within(dialog).findByRole('listitem', {
      name: 'Deployment payments-api',
    });
    expect(api.getDiff).toHaveBeenCalledTimes(1);
    expect(api.getDiff).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments-api' },
      { application: 'argocd-prod/payments-api-prod' },
    );

    expect(deployment).toHaveTextContent('(payments-api-prod)');
    expect(deployment).toHaveTextContent('update');
    expect(within(deployment).getByText('image 1.3.0 → 1.3.1')).toBeVisible();
    expect(within(deployment).getByText('spec.replicas 2 → 3')).toBeVisible();
    expect(
      within(deployment).getByText('@@ -6,7 +6,7 @@ metadata:'),
    ).toBeInTheDocument();
    expect(
      within(deployment).getByText('@@ -14,3 +14,3 @@ spec:'),
    ).toBeInTheDocument();
    // Removed and added lines are <del> and <ins> (announced as such), keeping their sign.
    const diff = within(deployment).getByLabelText(
      'Diff of Deployment payments-api',
    );
    const removed = Array.from(diff.querySelectorAll('del'));
    const added = Array.from(diff.querySelectorAll('ins'));
    expect(removed.map(e => e.textContent)).toEqual([
      '-  replicas: 2',
      '-          image: registry.example.com/payments-api:1.3.0',
    ]);
    expect(added.map(e => e.textContent)).toEqual([
      '+  replicas: 3',
      '+          image: registry.example.com/payments-api:1.3.1',
    ]);
    // The file header (--- a/resource) is not shown as a removed line.
    expect(deployment).not.toHaveTextContent('a/resource');

    expect(
      within(dialog).getByRole('listitem', {
        name: 'ConfigMap payments-api-flags',
      }),
    ).toHaveTextContent('create');
    expect(
      within(dialog).getByRole('listitem', {
        name: 'Service payments-api-legacy',
      }),
    ).toHaveTextContent('prune — deleted only by a sync with prune');
  });

  it('says when live state matches git', async () => {
    const api = mockGitopsApi();
    api.getDiff.mockResolvedValue(prodDiff([]));
    const dialog = await openDiff(api);
    expect(
      await within(dialog).findByText(/Live state matches git/),
    ).toBeInTheDocument();
  });

  it("shows the request's error", async () => {
    const api = mockGitopsApi();
    api.getDiff.mockRejectedValueOnce(new Error('HTTP 502 from argocd-prod'));
    const dialog = await openDiff(api);
    expect(
      await within(dialog).findByText('Error: HTTP 502 from argocd-prod'),
    ).toBeInTheDocument();
  });

  it("shows the application's error when its source could not be asked", async () => {
    const api = mockGitopsApi();
    const answer = prodDiff([]);
    answer.applications[0].error = 'argocd-prod: connect ECONNREFUSED';
    api.getDiff.mockResolvedValue(answer);
    const dialog = await openDiff(api);
    expect(
      await within(dialog).findByText('argocd-prod: connect ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(within(dialog).queryByText(/matches git/)).not.toBeInTheDocument();
  });
});
