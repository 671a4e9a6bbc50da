import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentHistoryEntry,
  EntityHistory,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  RevisionMetadata,
} from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../entities/workloads';
import type { DeploymentRecordStore } from '../record/DeploymentRecordStore';
import { historyKey, type DeploymentRow } from '../record/recordRows';
import type { RevisionMetadataCache } from '../record/revisionMetadata';
import { appKey } from '../store/AppStore';
import { forEachLimit } from '../util/concurrency';
import { describeError } from '../util/errors';
import type { AppDetails } from './AppDetails';
import type { OverviewBuilder } from './overviewBuilder';

/** Entries answered at most: the newest (the record can hold years of deployments). */
export const HISTORY_LIMIT = 200;

type Located = { entry: DeploymentHistoryEntry; key: string };

const fromRecord = (row: DeploymentRow): Located => ({
  key: row.key,
  entry: {
    instance: row.instance,
    application: row.application,
    environment: row.environment,
    id: row.historyId ?? 0,
    revision: row.revision,
    images: row.images,
    deployedAt: row.finishedAt,
    ...(row.startedAt ? { deployStartedAt: row.startedAt } : {}),
    ...(row.initiatedBy ? { initiatedBy: row.initiatedBy } : {}),
    // Unless the engine's own history still holds it (below), a rollback can't reach it.
    rollbackable: false,
  },
});

/**
 * The deployment history of an entity's applications, newest first, with each commit's author
 * and message: the deployment record (which outlives the engine's own history limit) merged
 * with the histories the store has (what the record may not have written yet). Failed syncs of
 * the record are left out: an entry is something that ran, and its id is what a rollback takes.
 * Revision metadata comes once per commit (RevisionMetadataCache). A read: nothing is written.
 */
export class HistoryView {
  constructor(
    private readonly deps: {
      builder: OverviewBuilder;
      details: AppDetails;
      revisions: RevisionMetadataCache;
      appsOf: (entity: Entity) => DeploymentApp[];
      /** Undefined: the store's histories only. */
      record?: DeploymentRecordStore;
      logger?: LoggerService;
    },
  ) {}

  private async recorded(apps: DeploymentApp[]): Promise<DeploymentRow[]> {
    if (!this.deps.record || apps.length === 0) return [];
    return this.deps.record.deployments(apps.map(appKey), {
      results: ['Succeeded'],
      limit: HISTORY_LIMIT,
    });
  }

  async history(entity: Entity, window: string): Promise<EntityHistory> {
    const spec = workloadSpecOf(entity);
    await this.deps.details.ensure(this.deps.appsOf(entity));
    const apps = this.deps.appsOf(entity);
    const extraSources: SourceStatus[] = [];
    const byKey = new Map<string, Located>();
    try {
      for (const row of await this.recorded(apps)) {
        byKey.set(row.key, fromRecord(row));
      }
    } catch (error) {
      // The record down: the store's histories still answer.
      const message = describeError(error);
      this.deps.logger?.warn(
        `gitops: reading the deployment record failed: ${message}`,
      );
      extraSources.push({
        kind: 'deployment',
        provider: 'database',
        name: 'deployment-record',
        status: 'error',
        error: 'the deployment record could not be read',
      });
    }
    for (const app of apps) {
      const history = app.history ?? [];
      const last = history[history.length - 1];
      for (const h of history) {
        byKey.set(historyKey(app, h), {
          key: historyKey(app, h),
          entry: {
            instance: app.instance,
            application: app.name,
            environment: this.deps.builder.environmentOf(app),
            id: h.id,
            revision: h.revision,
            images: h.images ?? (h === last ? app.images : []),
            ...(h.deployedAt ? { deployedAt: h.deployedAt } : {}),
            ...(h.deployStartedAt
              ? { deployStartedAt: h.deployStartedAt }
              : {}),
            ...(h.initiatedBy ? { initiatedBy: h.initiatedBy } : {}),
            rollbackable: true,
          },
        });
      }
    }
    const time = (e: DeploymentHistoryEntry) =>
      e.deployedAt ? Date.parse(e.deployedAt) || 0 : 0;
    const entries = [...byKey.values()]
      .map(l => l.entry)
      .sort(
        (a, b) =>
          time(b) - time(a) ||
          a.application.localeCompare(b.application) ||
          b.id - a.id,
      )
      .slice(0, HISTORY_LIMIT);

    const failures = new Map<string, string>();
    const metadata = await this.metadataOf(entries, apps, failures);
    const withMeta = entries.map(e => {
      const meta = metadata.get(`${e.instance}:${e.revision}`);
      return {
        ...e,
        ...(meta?.author ? { author: meta.author } : {}),
        ...(meta?.message ? { message: meta.message } : {}),
      };
    });
    const sources = this.deps.builder.sources(spec, window, false).map(s => {
      const failure = failures.get(s.name);
      return s.kind === 'deployment' && failure && !s.error
        ? { ...s, error: `revision metadata: ${failure}` }
        : s;
    });
    return {
      entityRef: spec.entityRef,
      entries: withMeta,
      sources: [...sources, ...extraSources],
    };
  }

  /** Author and message of each revision, asked through an application of its instance. */
  private async metadataOf(
    entries: DeploymentHistoryEntry[],
    apps: DeploymentApp[],
    failures: Map<string, string>,
  ) {
    const appByName = new Map(apps.map(a => [`${a.instance}/${a.name}`, a]));
    const lookups = new Map<
      string,
      {
        app: Pick<DeploymentApp, 'instance' | 'name' | 'namespace'>;
        revision: string;
      }
    >();
    for (const e of entries) {
      if (!e.revision) continue;
      const app = appByName.get(`${e.instance}/${e.application}`) ?? {
        instance: e.instance,
        name: e.application,
      };
      lookups.set(`${e.instance}:${e.revision}`, { app, revision: e.revision });
    }
    const metadata = new Map<string, RevisionMetadata>();
    await forEachLimit([...lookups.entries()], 8, async ([key, l]) => {
      try {
        metadata.set(key, await this.deps.revisions.get(l.app, l.revision));
      } catch (error) {
        failures.set(
          l.app.instance,
          describeError(error, this.deps.revisions.secretsOf(l.app.instance)),
        );
      }
    });
    return metadata;
  }
}
