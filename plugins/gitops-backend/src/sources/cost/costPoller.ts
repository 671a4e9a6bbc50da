import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CostSource } from '@internal/backstage-plugin-gitops-node';
import { costKey, costTotals, type GitopsStore } from '../../store/GitopsStore';
import { describeError } from '../../util/errors';

/**
 * Reads each cost source's totals per window on a slow schedule (default hourly) into the
 * store, on every replica (`scope: local`: the store is in memory). A failure keeps the last
 * totals, reported stale, and is logged once until it changes or recovers.
 */
export async function scheduleCostTotals(options: {
  sources: CostSource[];
  windows: string[];
  store: GitopsStore;
  scheduler: SchedulerService;
  logger: LoggerService;
  refreshMinutes: number;
}) {
  const { store, logger } = options;
  for (const source of options.sources) {
    for (const window of options.windows) {
      const key = costKey(source.cluster, window);
      store.costs.declare(key);
      let lastError: string | undefined;
      await options.scheduler.scheduleTask({
        id: `gitops-cost-${source.cluster}-${window}`,
        scope: 'local',
        frequency: { minutes: options.refreshMinutes },
        timeout: { minutes: Math.max(options.refreshMinutes, 5) },
        fn: async signal => {
          try {
            const rows = await source.getTotals({ window, signal });
            store.costs.set(
              key,
              costTotals(
                {
                  cluster: source.cluster,
                  window,
                  currency: source.currency,
                  labelKey: source.labelKey,
                },
                rows,
              ),
            );
            if (lastError) {
              logger.info(`gitops: cost ${key} recovered`);
              lastError = undefined;
            }
          } catch (error) {
            const message = describeError(error, source.secrets);
            if (message !== lastError) {
              logger.warn(
                `gitops: reading cost ${key} failed: ${message}; keeping the last totals`,
              );
            }
            lastError = message;
            store.costs.setStatus(key, { state: 'error', error: message });
          }
        },
      });
    }
  }
}
