import type { LoggerService } from '@backstage/backend-plugin-api';
import type { HealthStatus } from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { PromotionRecord } from '../promotion';
import { appKey, type AppChange, type AppKey } from '../store/AppStore';
import { BoundedMap } from '../util/BoundedMap';
import { forEachLimit } from '../util/concurrency';
import { describeError } from '../util/errors';
import type { DeploymentRecordStore } from './DeploymentRecordStore';
import { promotionOf } from './promotionLink';
import {
  deploymentRows,
  healthRow,
  type DeploymentRow,
  type HealthRow,
} from './recordRows';
import type { RevisionMetadataCache } from './revisionMetadata';

type Queued = { row: DeploymentRow; app: DeploymentApp };

/** Rows written per round trip. */
const BATCH = 200;

/**
 * Writes the deployment record from the store's changes of the applications the pages show:
 * each deployment in their history, each failed sync, and the health changes of production
 * applications. Work happens off the listener (which only queues), one batch at a time; a row
 * the record has (a replay, a resync, another replica's write) costs one key lookup and is
 * never enriched or written again. Reads never write: only this listener does.
 */
export class DeploymentRecorder {
  /** Keys known to be in the record (written here, or found there). */
  private readonly known = new BoundedMap<string, true>(100_000);
  private readonly queuedKeys = new Set<string>();
  private readonly queue: Queued[] = [];
  private readonly healthQueue: HealthRow[] = [];
  /** The last health recorded per production application (absent: not seen yet). */
  private readonly lastHealth = new Map<AppKey, HealthStatus>();
  private readonly observed = new Set<AppKey>();
  private draining?: Promise<void>;

  constructor(
    private readonly deps: {
      record: DeploymentRecordStore;
      environmentOf: (app: DeploymentApp) => string;
      isProduction: (environment: string) => boolean;
      /** Whether a page shows the application (only those keep a history in the store). */
      shows: (key: AppKey) => boolean;
      revisions?: RevisionMetadataCache;
      /** The promotions of the application's entities (undefined: promotions are off). */
      promotionsOf?: (app: DeploymentApp) => Promise<PromotionRecord[]>;
      now: () => Date;
      logger: LoggerService;
    },
  ) {}

  /** Follows the store (`store.apps.onChange`). */
  onAppChange(change: AppChange): void {
    if (change.kind !== 'changed' || !change.after) return;
    if (!this.deps.shows(change.key)) return;
    this.observe(change.after);
  }

  /** Applications a view shows that this replica has not looked at yet (after a view change). */
  observeNew(apps: DeploymentApp[]): void {
    for (const app of apps) {
      if (!this.observed.has(appKey(app))) this.observe(app);
    }
  }

  /** Queues what the application shows that the record may lack. */
  observe(app: DeploymentApp): void {
    const key = appKey(app);
    this.observed.add(key);
    const environment = this.deps.environmentOf(app);
    for (const row of deploymentRows(app, environment)) {
      if (this.known.get(row.key) || this.queuedKeys.has(row.key)) continue;
      this.queuedKeys.add(row.key);
      this.queue.push({ row, app });
    }
    if (this.deps.isProduction(environment)) {
      const previous = this.lastHealth.get(key);
      if (previous !== app.health) {
        this.lastHealth.set(key, app.health);
        this.healthQueue.push(
          healthRow(app, environment, previous, this.deps.now()),
        );
      }
    }
    this.kick();
  }

  /** Resolves once everything queued so far is written (or given up). */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private kick() {
    if (this.draining) return;
    if (this.queue.length === 0 && this.healthQueue.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      this.kick();
    });
  }

  private async drain() {
    while (this.healthQueue.length > 0) {
      const batch = this.healthQueue.splice(0, BATCH);
      try {
        await this.deps.record.insertHealth(batch);
      } catch (error) {
        this.deps.logger.warn(
          `gitops: recording ${
            batch.length
          } health change(s) failed: ${describeError(error)}`,
        );
      }
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        const existing = await this.deps.record.existing(
          batch.map(q => q.row.key),
        );
        const fresh = batch.filter(q => !existing.has(q.row.key));
        if (fresh.length > 0) {
          await this.enrich(fresh);
          await this.deps.record.insertDeployments(fresh.map(q => q.row));
        }
        for (const q of batch) this.known.set(q.row.key, true);
      } catch (error) {
        // Not marked known: the application's next change queues them again.
        this.deps.logger.warn(
          `gitops: recording ${
            batch.length
          } deployment(s) failed: ${describeError(error)}`,
        );
      } finally {
        for (const q of batch) this.queuedKeys.delete(q.row.key);
      }
    }
  }

  /**
   * Adds the commit time of each production revision (lead time is a production figure: other
   * environments' commit times would cost Argo CD a call per history entry at start and be
   * kept for nothing) and the promotion that caused each deployment.
   */
  private async enrich(items: Queued[]) {
    const { revisions, promotionsOf } = this.deps;
    const promotions = new Map<AppKey, Promise<PromotionRecord[]>>();
    await forEachLimit(items, 4, async ({ row, app }) => {
      if (
        revisions &&
        row.revision &&
        this.deps.isProduction(row.environment)
      ) {
        // Without it (the source failed), the read side asks again.
        await revisions.fillCommitTime(row, app, this.deps.logger);
      }
      if (promotionsOf && row.result === 'Succeeded') {
        try {
          let list = promotions.get(row.appKey);
          if (!list) promotions.set(row.appKey, (list = promotionsOf(app)));
          const id = promotionOf(row, await list);
          if (id) row.promotionId = id;
        } catch (error) {
          this.deps.logger.debug(
            `gitops: promotions of ${row.appKey}: ${describeError(error)}`,
          );
        }
      }
    });
  }
}
