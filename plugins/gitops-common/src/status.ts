import type { ApplicationSummary, HealthStatus, SyncStatus } from './overview';

// Worst first: an environment is as healthy as its least healthy application.
const SYNC_ORDER: SyncStatus[] = ['OutOfSync', 'Unknown', 'Synced'];
const HEALTH_ORDER: HealthStatus[] = [
  'Degraded',
  'Missing',
  'Unknown',
  'Progressing',
  'Suspended',
  'Healthy',
];

// A status we don't know ranks with the worst.
const worst = <T extends string>(order: T[], values: T[]): T | undefined =>
  values.length === 0
    ? undefined
    : values.reduce((a, b) => {
        const rank = (v: T) => (order.includes(v) ? order.indexOf(v) : 0);
        return rank(b) < rank(a) ? b : a;
      });

/** The sync of an environment: the worst of its applications' (undefined without any). @public */
export function environmentSync(
  apps: ApplicationSummary[],
): SyncStatus | undefined {
  return worst(
    SYNC_ORDER,
    apps.map(a => a.sync),
  );
}

/** The health of an environment: the worst of its applications' (undefined without any). @public */
export function environmentHealth(
  apps: ApplicationSummary[],
): HealthStatus | undefined {
  return worst(
    HEALTH_ORDER,
    apps.map(a => a.health),
  );
}
