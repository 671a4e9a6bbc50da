import type {
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { ConditionTracker } from '../notifications/ConditionTracker';
import type { NotificationsConfig } from '../notifications/config';
import { NotificationLedger } from '../notifications/NotificationLedger';
import { promotionNotifications } from '../notifications/promotionNotifications';
import type { PromotionEvent } from '../promotion';
import type { EntityViews } from '../views/EntityViews';
import type { OverviewContent } from '../views/overviewBuilder';

/**
 * Notifications to entity owners: conditions followed from the entity views' changes (never a
 * read of an upstream), and promotion events. Undefined handlers when switched off.
 */
export async function createNotifications(deps: {
  config: NotificationsConfig;
  database: DatabaseService;
  notifications: NotificationService;
  views: EntityViews;
  /** The cost window whose stored overview is read (any: conditions don't depend on cost). */
  window: string;
  now: () => Date;
  logger: LoggerService;
  scheduler: SchedulerService;
}): Promise<{
  onViewsChanged?: (refs: string[]) => Promise<void>;
  onPromotionEvent?: (event: PromotionEvent) => Promise<void>;
}> {
  if (!deps.config.enabled) return {};
  const ledger = await NotificationLedger.create(deps.database);
  const tracker = new ConditionTracker({
    config: deps.config,
    ledger,
    notifications: deps.notifications,
    contentOf: ref => {
      const view = deps.views.get(ref, deps.window);
      return view ? (JSON.parse(view.content) as OverviewContent) : undefined;
    },
    now: deps.now,
    logger: deps.logger,
  });
  // Grace periods and RPOs end with nothing changing: look at the entities due every 10 s.
  await deps.scheduler.scheduleTask({
    id: 'gitops-notifications-due',
    scope: 'local',
    frequency: { seconds: 10 },
    timeout: { minutes: 1 },
    fn: () => tracker.tick(),
  });
  return {
    onViewsChanged: refs => tracker.evaluate(refs),
    onPromotionEvent: deps.config.topics.includes('promotion')
      ? promotionNotifications(deps)
      : undefined,
  };
}
