import type { HealthStatus, SourceStatus, SyncStatus } from './overview';

/**
 * The estate: every service a group owns (or a system contains) × environment, for the `Group`
 * and `System` entity pages. Computed from the per-entity views the backend keeps, never from
 * the upstreams on a page view.
 */

/** One service in one environment of the estate matrix. @public */
export type EstateCell = {
  /** Image tag the environment runs; undefined when its applications disagree or none runs. */
  version?: string;
  /** Worst sync of the environment's applications. */
  sync?: SyncStatus;
  /** Worst health of the environment's applications. */
  health?: HealthStatus;
  /** When the environment's last deployment finished. */
  lastDeployedAt?: string;
  /**
   * The version the environment before this one (in the promotion order) runs, when it differs
   * from this one's: a version waiting for promotion here.
   */
  waitingVersion?: string;
  /** The last sync operation failed or errored. */
  syncFailed?: boolean;
  applications: number;
};

/** One row of the estate matrix. @public */
export type EstateService = {
  entityRef: string;
  title?: string;
  /** The systems the service is part of (more than one is flagged on the page). */
  systems: string[];
  /** Environment name → cell (environments the service has no application in are absent). */
  environments: Record<string, EstateCell>;
  /** Some environment is Degraded, Missing or its last sync failed. */
  failing: boolean;
  /** Some environment runs a version its previous environment moved past. */
  drifted: boolean;
  lastDeployedAt?: string;
  /** Sources that failed for this service (its cells may be incomplete). */
  sourceErrors: string[];
};

/** A promotion of one of the estate's services that waits for approval. @public */
export type EstateApproval = {
  promotionId: string;
  entityRef: string;
  version: string;
  fromEnv: string;
  toEnv: string;
  requestedBy?: string;
  createdAt: string;
  /** The pull request, when the promotion opened one. */
  url?: string;
};

/** One service's cost in one environment over the window. @public */
export type EstateCostRow = {
  entityRef: string;
  environment: string;
  total: number;
  cpu: number;
  ram: number;
  pv: number;
  network: number;
  /** 0..1, the share of requested resources actually used. */
  efficiency?: number;
};

/** The estate's cost over a window, per service and environment, for chargeback. @public */
export type EstateCost = {
  window: string;
  currency?: string;
  rows: EstateCostRow[];
  /** Environment name → the estate's total there. */
  byEnvironment: Record<string, number>;
  total: number;
  /**
   * What the cost engines report apart from workloads over the same window, per cluster: idle
   * capacity (`__idle__`) and unallocated / shared costs (`__unallocated__`). Not part of any
   * service's row, and not split across services.
   */
  apart: Array<{ cluster: string; idle?: number; unallocated?: number }>;
  /** Cost sources that did not answer (the column says so; the rest renders). */
  errors: string[];
};

/** The estate's backups: what is uncovered, the worst RPO, the latest failures. @public */
export type EstateBackups = {
  /** Prod namespaces of the estate that no Velero schedule covers. */
  uncovered: Array<{
    entityRef: string;
    environment: string;
    namespace: string;
  }>;
  /** The environment whose last successful backup is oldest (prod environments first). */
  worstRpo?: {
    entityRef: string;
    environment: string;
    rpoSeconds?: number;
    rpoTargetSeconds?: number;
    lastSuccessfulAt?: string;
  };
  /** Failed or partially failed backups, newest first (at most 20). */
  failures: Array<{
    entityRef: string;
    environment: string;
    name: string;
    phase: string;
    at?: string;
  }>;
  errors: string[];
};

/** `GET /api/gitops/entities/:kind/:namespace/:name/estate` for a Group or a System. @public */
export type EntityEstate = {
  entityRef: string;
  /** `group` or `system`. */
  kind: string;
  asOf: string;
  /** The environments of the estate's services, in the promotion order. */
  environments: string[];
  /** Failing rows first, then drifted, then by name. */
  services: EstateService[];
  approvals: EstateApproval[];
  cost: EstateCost;
  backups: EstateBackups;
  sources: SourceStatus[];
};
