import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  isProductionIn,
  type DoraFigures,
} from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { DeploymentRecordStore } from '../../record/DeploymentRecordStore';
import type { DeploymentRow } from '../../record/recordRows';
import type { RevisionMetadataCache } from '../../record/revisionMetadata';
import { appKey } from '../../store/AppStore';
import { forEachLimit } from '../../util/concurrency';
import { DEFAULT_FAILURE_WINDOW_MS, doraFigures } from './doraFigures';

const DAY_MS = 86_400_000;
/** How far before the window the record is read: what ran before (a rollback's target). */
const CONTEXT_MS = 90 * DAY_MS;

/**
 * DORA figures of one service or a set of services (a Group's, a System's), from the
 * deployment record's production rows. A read: it writes nothing to the record. A commit time
 * the recorder could not get is asked again here (from the revision metadata cache).
 */
export class DoraView {
  private readonly isProduction: (environment: string) => boolean;

  constructor(
    private readonly deps: {
      record: DeploymentRecordStore;
      revisions: RevisionMetadataCache;
      appsOf: (entity: Entity) => DeploymentApp[];
      environmentOf: (app: DeploymentApp) => string;
      productionEnvironments: string[];
      now: () => Date;
      logger: LoggerService;
      failureWindowMs?: number;
    },
  ) {
    this.isProduction = isProductionIn(deps.productionEnvironments);
  }

  /** The figures over `days` of `services` (the entity itself for a Component). */
  async figures(
    entity: Entity,
    services: Entity[],
    days: number,
  ): Promise<DoraFigures> {
    const now = this.deps.now();
    const from = now.getTime() - days * DAY_MS;
    const apps = new Map<string, DeploymentApp>();
    for (const service of services) {
      for (const app of this.deps.appsOf(service)) {
        if (this.isProduction(this.deps.environmentOf(app))) {
          apps.set(appKey(app), app);
        }
      }
    }
    const keys = [...apps.keys()];
    const [rows, health] = await Promise.all([
      this.deps.record.deployments(keys, {
        since: new Date(from - CONTEXT_MS).toISOString(),
      }),
      this.deps.record.health(
        keys,
        new Date(
          from - (this.deps.failureWindowMs ?? DEFAULT_FAILURE_WINDOW_MS),
        ).toISOString(),
      ),
    ]);
    const production = rows.filter(r => this.isProduction(r.environment));
    await this.fillCommitTimes(
      production.filter(
        r =>
          r.result === 'Succeeded' &&
          !r.commitAt &&
          r.revision &&
          Date.parse(r.finishedAt) >= from,
      ),
    );
    return doraFigures({
      entityRef: stringifyEntityRef(entity),
      days,
      now,
      productionEnvironments: this.deps.productionEnvironments,
      services: services.length,
      deployments: production,
      health,
      failureWindowMs: this.deps.failureWindowMs,
    });
  }

  /** Commit times the record lacks (the source was down when it wrote): in memory only. */
  private async fillCommitTimes(rows: DeploymentRow[]) {
    await forEachLimit(rows, 8, async row => {
      const app = {
        instance: row.instance,
        name: row.application,
        namespace: row.appNamespace || undefined,
      };
      await this.deps.revisions.fillCommitTime(row, app, this.deps.logger);
    });
  }
}
