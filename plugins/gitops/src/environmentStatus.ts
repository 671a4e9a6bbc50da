import type {
  ApplicationSummary,
  HealthStatus,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';

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

const worst = <T extends string>(order: T[], values: T[]): T | undefined =>
  values.length === 0
    ? undefined
    : values.reduce((a, b) => {
        const rank = (v: T) => (order.includes(v) ? order.indexOf(v) : 0);
        return rank(b) < rank(a) ? b : a;
      });

export function environmentSync(
  apps: ApplicationSummary[],
): SyncStatus | undefined {
  return worst(
    SYNC_ORDER,
    apps.map(a => a.sync),
  );
}

export function environmentHealth(
  apps: ApplicationSummary[],
): HealthStatus | undefined {
  return worst(
    HEALTH_ORDER,
    apps.map(a => a.health),
  );
}
