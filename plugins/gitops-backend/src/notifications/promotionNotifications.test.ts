import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { PromotionRecord } from '../promotion/types';
import { capturingNotifications } from './__testUtils__/notificationFixtures';
import { promotionNotifications } from './promotionNotifications';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';

function promotion(over: Partial<PromotionRecord> = {}): PromotionRecord {
  return {
    id: 'p-1',
    kind: 'promotion',
    entityRef: 'component:default/payments-api',
    fromEnv: 'staging',
    toEnv: 'prod',
    version: '1.4.0',
    previousVersion: '1.3.0',
    requester: ALICE,
    state: 'awaiting-approval',
    mode: 'pull-request',
    prUrl: 'https://github.example.com/acme/gitops/pull/7',
    gateResults: [{ gate: 'approval', status: 'pending', message: 'needs 1' }],
    files: [],
    createdAt: '2026-12-06T08:00:00Z',
    updatedAt: '2026-12-06T08:00:00Z',
    ...over,
  };
}

describe('promotionNotifications', () => {
  const setup = () => {
    const sent: NotificationSendOptions[] = [];
    const notify = promotionNotifications({
      notifications: capturingNotifications(sent),
      logger: mockServices.logger.mock(),
    });
    return { sent, notify };
  };

  it('asks the other owners to approve, then tells them it was decided, and the requester that it landed and synced', async () => {
    const { sent, notify } = setup();
    await notify({ type: 'created', promotion: promotion(), actor: ALICE });
    const merged = promotion({ state: 'merged', approver: BOB });
    await notify({ type: 'approved', promotion: merged, actor: BOB });
    await notify({ type: 'merged', promotion: merged, actor: BOB });
    await notify({ type: 'synced', promotion: promotion({ state: 'synced' }) });

    expect(
      sent.map(n => [n.recipients, n.payload.title, n.payload.scope]),
    ).toEqual([
      [
        {
          type: 'entity',
          entityRef: 'component:default/payments-api',
          excludeEntityRef: ALICE,
        },
        'payments-api 1.4.0 to prod waits for your approval',
        'gitops:promotion:p-1:approval',
      ],
      [
        {
          type: 'entity',
          entityRef: 'component:default/payments-api',
          excludeEntityRef: ALICE,
        },
        `payments-api 1.4.0 to prod: approved by ${BOB}`,
        'gitops:promotion:p-1:approval',
      ],
      [
        { type: 'entity', entityRef: ALICE },
        'payments-api 1.4.0 to prod landed (pull request merged): waiting for Argo CD to sync it',
        'gitops:promotion:p-1',
      ],
      [
        { type: 'entity', entityRef: ALICE },
        'payments-api 1.4.0 to prod is synced: prod runs it',
        'gitops:promotion:p-1',
      ],
    ]);
    expect(sent[0].payload).toMatchObject({
      link: '/catalog/default/component/payments-api/gitops',
      topic: 'promotion',
      description: `${ALICE} asks to promote payments-api from staging (1.3.0 → 1.4.0 in prod).`,
    });
    expect(sent[1].payload.metadata).toEqual({
      promotion: 'p-1',
      resolved: true,
    });
  });

  it('tells the requester of a failure (high) and closes the approval it asked for', async () => {
    const { sent, notify } = setup();
    await notify({
      type: 'failed',
      promotion: promotion({
        state: 'failed',
        error: 'blocked by source-healthy',
      }),
      actor: ALICE,
    });
    expect(sent.map(n => [n.payload.title, n.payload.severity])).toEqual([
      ['payments-api 1.4.0 to prod: closed', 'low'],
      ['payments-api 1.4.0 to prod failed: blocked by source-healthy', 'high'],
    ]);
  });

  it('a direct commit lands at once: only the requester hears, nobody is asked to approve', async () => {
    const { sent, notify } = setup();
    await notify({
      type: 'created',
      promotion: promotion({
        state: 'committed',
        mode: 'commit',
        prUrl: undefined,
        gateResults: [{ gate: 'approval', status: 'skipped', message: '' }],
      }),
    });
    expect(sent.map(n => [n.recipients, n.payload.title])).toEqual([
      [
        { type: 'entity', entityRef: ALICE },
        'payments-api 1.4.0 to prod landed: waiting for Argo CD to sync it',
      ],
    ]);
  });
});
