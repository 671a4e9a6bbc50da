import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  PromotionPreview,
  PromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import { EntityGitopsEnvironmentsCard } from '../EntityGitopsEnvironmentsCard';
import {
  mockGitopsApi,
  renderWithGitops,
} from '../../__testUtils__/renderWithGitops';

const preview = (over: Partial<PromotionPreview> = {}): PromotionPreview => ({
  id: 'p1',
  entityRef: 'component:default/payments-api',
  from: 'dev',
  to: 'staging',
  version: '1.4.0',
  previousVersion: '1.3.2',
  mode: 'commit',
  baseSha: 'abc',
  files: [
    {
      path: 'apps/payments-api/overlays/staging/kustomization.yaml',
      diff: '-    newTag: 1.3.2\n+    newTag: 1.4.0',
    },
  ],
  gates: [
    {
      gate: 'source-healthy',
      status: 'passed',
      message: 'dev runs 1.4.0, Synced and Healthy',
    },
  ],
  approvalRequired: false,
  blocked: false,
  ...over,
});

const record = (over: Partial<PromotionRecord> = {}): PromotionRecord => ({
  id: 'p1',
  kind: 'promotion',
  entityRef: 'component:default/payments-api',
  from: 'dev',
  to: 'staging',
  version: '1.4.0',
  requester: 'user:default/guest',
  state: 'committed',
  mode: 'commit',
  commitSha: '0123456789abcdef',
  gateResults: [],
  files: [],
  createdAt: '2026-11-23T12:00:00Z',
  updatedAt: '2026-11-23T12:00:00Z',
  ...over,
});

async function openDialog(api = mockGitopsApi()) {
  await renderWithGitops(<EntityGitopsEnvironmentsCard />, { api });
  await userEvent.click(
    await screen.findByRole('button', { name: 'Promote 1.4.0 to staging' }),
  );
  return screen.findByRole('dialog');
}

describe('PromoteDialog', () => {
  it('previews the exact git change and the gates, then promotes', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockResolvedValue(preview());
    api.createPromotion.mockResolvedValue(record());
    const dialog = await openDialog(api);

    expect(api.previewPromotion).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments-api' },
      { from: 'dev', to: 'staging' },
    );
    expect(
      await within(dialog).findByLabelText(
        'Diff of apps/payments-api/overlays/staging/kustomization.yaml',
      ),
    ).toHaveTextContent('+ newTag: 1.4.0');
    expect(within(dialog).getByLabelText('Gates')).toHaveTextContent(
      'passed source-healthy: dev runs 1.4.0, Synced and Healthy',
    );
    expect(dialog).toHaveTextContent('1.4.0 from dev to staging (now 1.3.2)');
    expect(api.createPromotion).not.toHaveBeenCalled();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote' }),
    );
    await waitFor(() =>
      expect(api.createPromotion).toHaveBeenCalledWith(expect.anything(), {
        from: 'dev',
        to: 'staging',
        version: '1.4.0',
        previewId: 'p1',
      }),
    );
    expect(await within(dialog).findByRole('status')).toHaveTextContent(
      'Promotion committed as commit 0123456',
    );
  });

  it('tells what the source environment costs per day at the version, against the one before', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockResolvedValue(preview());
    api.getVersionCost.mockResolvedValue({
      entityRef: 'component:default/payments-api',
      environment: 'dev',
      version: '1.4.0',
      state: 'ok',
      currency: 'USD',
      since: '2026-11-20T10:00:00Z',
      perDay: 11.2,
      days: 3,
      previousVersion: '1.3.2',
      previousPerDay: 10,
      previousDays: 6,
      change: 0.12,
      sources: [],
    });
    const dialog = await openDialog(api);
    expect(
      await within(dialog).findByLabelText('Cost of the version'),
    ).toHaveTextContent(
      '+12 % per day in dev since 1.4.0 ($11 a day, against $10 at 1.3.2).',
    );
    expect(api.getVersionCost).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'payments-api' },
      { environment: 'dev', version: '1.4.0' },
    );
  });

  it('says "not enough data" for a version that ran less than a day', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockResolvedValue(preview());
    const dialog = await openDialog(api);
    expect(
      await within(dialog).findByLabelText('Cost of the version'),
    ).toHaveTextContent(
      'Cost of 1.4.0 in dev: not enough data (1.4.0 has run less than a full day).',
    );
  });

  it('a cost engine down only blanks the cost line', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockResolvedValue(preview());
    api.getVersionCost.mockRejectedValue(new Error('cost engine unreachable'));
    const dialog = await openDialog(api);
    expect(
      await within(dialog).findByLabelText('Cost of the version'),
    ).toHaveTextContent(
      'Cost of 1.4.0 in dev unavailable: cost engine unreachable',
    );
    expect(within(dialog).getByLabelText('Gates')).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Promote' }),
    ).toBeEnabled();
  });

  it('asks for approval where the environment is gated', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockResolvedValue(
      preview({ mode: 'pull-request', approvalRequired: true }),
    );
    api.createPromotion.mockResolvedValue(
      record({ state: 'awaiting-approval', branch: 'promote/payments-api' }),
    );
    const dialog = await openDialog(api);
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Request promotion' }),
    );
    expect(await within(dialog).findByRole('status')).toHaveTextContent(
      'Waiting for approval by another owner',
    );
  });

  it('cannot be confirmed when a gate blocks it', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockResolvedValue(
      preview({
        blocked: true,
        gates: [
          {
            gate: 'source-healthy',
            status: 'failed',
            message: 'dev is Degraded',
          },
        ],
      }),
    );
    const dialog = await openDialog(api);
    expect(
      await within(dialog).findByText(/dev is Degraded/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Promote' }),
    ).toBeDisabled();
  });

  it('shows why a preview failed', async () => {
    const api = mockGitopsApi();
    api.previewPromotion.mockRejectedValue(new Error('promotion is off'));
    const dialog = await openDialog(api);
    expect(
      await within(dialog).findByText('Error: promotion is off', {
        selector: 'h6',
      }),
    ).toBeInTheDocument();
  });
});
