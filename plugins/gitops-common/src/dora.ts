/**
 * DORA figures over the deployment record, per service (a Component) or per team (a Group, over
 * the services it owns) or per System. Definitions, as the page states them:
 * - deployment frequency: successful deployments to a production environment;
 * - lead time for changes: the deployed revision's commit time → Synced and Healthy in prod;
 * - change failure rate: prod deployments followed within the failure window by a rollback, a
 *   failed sync or Degraded;
 * - time to restore: Degraded or failed → Healthy again in prod.
 */

/** One bucket (a week) of a figure's sparkline, oldest first. @public */
export type DoraPoint = { start: string; value: number | null };

/** @public */
export type DoraFigures = {
  entityRef: string;
  /** The window, in days (30 or 90). */
  days: number;
  from: string;
  to: string;
  /** The environments counted as production. */
  productionEnvironments: string[];
  /** Services counted (1 for a Component). */
  services: number;
  deploymentFrequency: {
    deployments: number;
    perWeek: number;
    series: DoraPoint[];
  };
  leadTime: {
    /** Median, in seconds; undefined without a sample. */
    medianSeconds?: number;
    samples: number;
    /** Deployments whose commit time is after their finish (clock skew): left out, counted. */
    outliers: number;
    series: DoraPoint[];
  };
  changeFailureRate: {
    failed: number;
    deployments: number;
    /** 0..1; undefined without a deployment. */
    rate?: number;
    series: DoraPoint[];
  };
  timeToRestore: {
    medianSeconds?: number;
    samples: number;
    series: DoraPoint[];
  };
  /** The definitions, for the page. */
  definitions: Record<
    'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'timeToRestore',
    string
  >;
};
