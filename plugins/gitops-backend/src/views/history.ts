import type { CacheService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  DeploymentHistoryEntry,
  EntityHistory,
} from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  RevisionMetadata,
} from '@internal/backstage-plugin-gitops-node';
import { workloadSpecOf } from '../entities/workloads';
import type { GitopsStore } from '../store/GitopsStore';
import { BoundedMap } from '../util/BoundedMap';
import { forEachLimit } from '../util/concurrency';
import { describeError } from '../util/errors';
import { Singleflight } from '../util/singleflight';
import type { AppDetails } from './AppDetails';
import type { OverviewBuilder } from './overviewBuilder';

type Meta = Pick<RevisionMetadata, 'author' | 'message'>;

/**
 * The deployment history of an entity's applications, newest first, with each commit's author
 * and message. Histories come from the store (asked of the source once per application that
 * lacks one); revision metadata once per commit (it never changes), kept here and in the
 * CacheService (shared by replicas).
 */
export class HistoryView {
  private readonly local = new BoundedMap<string, Meta>(20_000);
  private readonly flights = new Singleflight();

  constructor(
    private readonly deps: {
      store: GitopsStore;
      builder: OverviewBuilder;
      details: AppDetails;
      cache: CacheService;
      appsOf: (entity: Entity) => DeploymentApp[];
    },
  ) {}

  private async metadata(app: DeploymentApp, revision: string) {
    const key = `gitops:revmeta:v1:${app.instance}:${revision}`;
    const known = this.local.get(key);
    if (known) return known;
    return this.flights.do(key, async () => {
      let meta = (await this.deps.cache.get<Meta>(key)) ?? undefined;
      if (!meta) {
        const source = this.deps.store.deployments.get(app.instance);
        if (!source?.getRevisionMetadata) return {};
        const answer = await source.getRevisionMetadata(
          { name: app.name, namespace: app.namespace },
          revision,
        );
        meta = {
          ...(answer.author ? { author: answer.author } : {}),
          ...(answer.message ? { message: answer.message } : {}),
        };
        await this.deps.cache.set(key, meta, { ttl: 7 * 86_400_000 });
      }
      this.local.set(key, meta);
      return meta;
    });
  }

  async history(entity: Entity, window: string): Promise<EntityHistory> {
    const spec = workloadSpecOf(entity);
    await this.deps.details.ensure(this.deps.appsOf(entity));
    const apps = this.deps.appsOf(entity);
    const failures = new Map<string, string>();
    const lookups = new Map<string, { app: DeploymentApp; revision: string }>();
    for (const app of apps) {
      for (const h of app.history ?? []) {
        if (h.revision) {
          lookups.set(`${app.instance}:${h.revision}`, {
            app,
            revision: h.revision,
          });
        }
      }
    }
    const metadata = new Map<string, Meta>();
    await forEachLimit([...lookups.entries()], 8, async ([key, l]) => {
      try {
        metadata.set(key, await this.metadata(l.app, l.revision));
      } catch (error) {
        const source = this.deps.store.deployments.get(l.app.instance);
        failures.set(l.app.instance, describeError(error, source?.secrets));
      }
    });
    const entries: DeploymentHistoryEntry[] = apps.flatMap(app => {
      const history = app.history ?? [];
      const last = history[history.length - 1];
      return history.map(h => {
        const meta = metadata.get(`${app.instance}:${h.revision}`);
        return {
          instance: app.instance,
          application: app.name,
          environment: this.deps.builder.environmentOf(app),
          id: h.id,
          revision: h.revision,
          images: h.images ?? (h === last ? app.images : []),
          ...(h.deployedAt ? { deployedAt: h.deployedAt } : {}),
          ...(h.deployStartedAt ? { deployStartedAt: h.deployStartedAt } : {}),
          ...(h.initiatedBy ? { initiatedBy: h.initiatedBy } : {}),
          ...(meta?.author ? { author: meta.author } : {}),
          ...(meta?.message ? { message: meta.message } : {}),
        };
      });
    });
    entries.sort(
      (a, b) =>
        (b.deployedAt ?? '').localeCompare(a.deployedAt ?? '') ||
        a.application.localeCompare(b.application) ||
        b.id - a.id,
    );
    const sources = this.deps.builder.sources(spec, window, false).map(s => {
      const failure = failures.get(s.name);
      return s.kind === 'deployment' && failure && !s.error
        ? { ...s, error: `revision metadata: ${failure}` }
        : s;
    });
    return { entityRef: spec.entityRef, entries, sources };
  }
}
