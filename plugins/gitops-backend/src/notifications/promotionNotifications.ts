import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { PromotionEvent } from '../promotion';
import { describeError } from '../util/errors';
import { entityLink } from './conditions';

/**
 * What people hear of promotions: the entity's other owners that one waits for their approval
 * (resolved once decided), the requester that it landed, synced or failed. Each event comes
 * once, from the replica that made the change, so no ledger is needed.
 */
export function promotionNotifications(deps: {
  notifications: NotificationService;
  logger: LoggerService;
}) {
  const send = async (options: Parameters<NotificationService['send']>[0]) => {
    try {
      await deps.notifications.send(options);
    } catch (error) {
      deps.logger.warn(
        `gitops notification "${
          options.payload.title
        }" not sent: ${describeError(error)}`,
      );
    }
  };
  return async ({ type, promotion: p, actor }: PromotionEvent) => {
    const name = parseEntityRef(p.entityRef).name;
    const what = `${name} ${p.version} to ${p.toEnv}`;
    const link = entityLink(p.entityRef, 'gitops');
    const approval = `gitops:promotion:${p.id}:approval`;
    const requester = `gitops:promotion:${p.id}`;
    const owners = {
      type: 'entity' as const,
      entityRef: p.entityRef,
      excludeEntityRef: p.requester,
    };
    const toRequester = { type: 'entity' as const, entityRef: p.requester };
    const base = { link, topic: 'promotion', metadata: { promotion: p.id } };
    if (type === 'created' && p.state === 'awaiting-approval') {
      await send({
        recipients: owners,
        payload: {
          ...base,
          title: `${what} waits for your approval`,
          description: `${p.requester} asks to promote ${name} from ${
            p.fromEnv
          } (${p.previousVersion ?? 'nothing'} → ${p.version} in ${p.toEnv}).`,
          severity: 'normal',
          scope: approval,
        },
      });
      return;
    }
    const askedApproval = p.gateResults.some(
      g => g.gate === 'approval' && g.status !== 'skipped',
    );
    if (type === 'approved' || (type === 'failed' && askedApproval)) {
      // The approval asked of the owners is decided: say so where it was asked.
      await send({
        recipients: owners,
        payload: {
          ...base,
          title: `${what}: ${
            type === 'approved'
              ? `approved by ${actor ?? p.approver}`
              : 'closed'
          }`,
          severity: 'low',
          scope: approval,
          metadata: { ...base.metadata, resolved: true },
        },
      });
    }
    const landed =
      (type === 'created' && p.state === 'committed') || type === 'merged';
    const texts: Partial<Record<PromotionEvent['type'], string>> = {
      created: `${what}: pull request opened, waiting to be merged`,
      synced: `${what} is synced: ${p.toEnv} runs it`,
      failed: `${what} failed${p.error ? `: ${p.error}` : ''}`,
      'rolled-back': `${what} was rolled back`,
    };
    const title = landed
      ? `${what} landed${
          p.prUrl ? ' (pull request merged)' : ''
        }: waiting for Argo CD to sync it`
      : texts[type];
    if (!title) return;
    await send({
      recipients: toRequester,
      payload: {
        ...base,
        title,
        description: p.prUrl ? `Pull request: ${p.prUrl}` : undefined,
        severity: type === 'failed' ? 'high' : 'normal',
        scope: requester,
      },
    });
  };
}
