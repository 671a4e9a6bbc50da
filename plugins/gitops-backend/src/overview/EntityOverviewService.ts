import type { CacheService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  sortEnvironments,
  type ApplicationSummary,
  type DeploymentHistoryEntry,
  type EntityHistory,
  type EntityOverview,
  type EntityResources,
  type EnvironmentCost,
  type EnvironmentOverview,
  type EnvironmentVersion,
  type ResourceNode,
  type SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { ArgoCdApi } from '../argocd/ArgoCdClient';
import { toHealthStatus, toSyncStatus } from '../argocd/mapping';
import type { AppRecord, ArgoInstanceData } from '../argocd/types';
import type { GitopsConfig } from '../config';
import { parseCostSourceName } from '../cost/types';
import type { CostClusterData, CostRow } from '../cost/types';
import type { SnapshotStore, SourceEntry } from '../snapshot/SnapshotStore';
import type { GitopsClock } from '../util/clock';
import { describeError } from '../util/errors';
import { Singleflight } from '../util/singleflight';
import { computeBackup, scopeCovers } from '../velero/rpo';
import type { VeleroClusterData } from '../velero/types';
import { matchesLabelSelector } from './labelSelector';
import {
  appBelongsTo,
  environmentOf,
  imageName,
  imageTag,
  workloadSpecOf,
  type WorkloadSpec,
} from './workloads';
import type { EntityIndex } from './EntityIndex';

const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** Options of the service, from config plus the sources. */
export type OverviewServiceOptions = {
  config: GitopsConfig;
  store: SnapshotStore;
  clock: GitopsClock;
  cache: CacheService;
  argo: Map<string, ArgoCdApi>;
  index: EntityIndex;
};

type EntityApps = {
  spec: WorkloadSpec;
  apps: AppRecord[];
  sources: SourceStatus[];
};

/** Entity → workloads → per-environment view, from the snapshot only. */
export class EntityOverviewService {
  private readonly flights = new Singleflight();

  constructor(private readonly options: OverviewServiceOptions) {}

  private sourceStatus(entry: SourceEntry<unknown>): SourceStatus {
    return {
      kind: entry.kind,
      name: entry.name,
      status: this.options.store.statusOf(entry),
      ...(entry.fetchedAt ? { fetchedAt: entry.fetchedAt } : {}),
      ...(entry.error ? { error: entry.error } : {}),
    };
  }

  /** The entity's applications across the instances it may live in. */
  async appsOf(entity: Entity): Promise<EntityApps> {
    const spec = workloadSpecOf(entity);
    const sources: SourceStatus[] = [];
    const apps: AppRecord[] = [];
    if (spec.appNames.length === 0 && !spec.selector?.length) {
      return { spec, apps, sources };
    }
    const instances = this.options.store
      .listSources('argocd')
      .filter(s => !spec.instance || s.name === spec.instance);
    const entries = await Promise.all(
      instances.map(s =>
        this.options.store.get<ArgoInstanceData>('argocd', s.name),
      ),
    );
    for (const entry of entries) {
      sources.push(this.sourceStatus(entry));
      for (const app of entry.data?.applications ?? []) {
        if (appBelongsTo(spec, app)) apps.push(app);
      }
    }
    if (spec.instance && instances.length === 0) {
      sources.push({
        kind: 'argocd',
        name: spec.instance,
        status: 'error',
        error: `Argo CD instance "${spec.instance}" is not configured`,
      });
    }
    this.options.index.record(
      spec.entityRef,
      apps.map(a => `${a.instance}/${a.name}`),
    );
    return { spec, apps, sources };
  }

  environmentOf(app: AppRecord) {
    return environmentOf(app, this.options.config);
  }

  summarize(app: AppRecord): ApplicationSummary {
    const argo = this.options.argo.get(app.instance);
    const last = app.history[app.history.length - 1];
    const revision =
      last?.revision || app.operation?.revision || app.syncRevision;
    return {
      instance: app.instance,
      name: app.name,
      ...(app.namespace ? { namespace: app.namespace } : {}),
      ...(app.project ? { project: app.project } : {}),
      environment: this.environmentOf(app),
      sync: app.sync,
      health: app.health,
      ...(app.healthMessage ? { healthMessage: app.healthMessage } : {}),
      ...(revision ? { revision } : {}),
      images: app.images,
      ...(last?.deployedAt ? { lastSyncedAt: last.deployedAt } : {}),
      ...(app.operation ? { operation: app.operation } : {}),
      autoSync: app.autoSync,
      ...(app.destination ? { destination: app.destination } : {}),
      ...(argo
        ? {
            url: `${argo.webUrl}/applications/${
              app.namespace ? `${encodeURIComponent(app.namespace)}/` : ''
            }${encodeURIComponent(app.name)}`,
          }
        : {}),
      ...(revision && app.repoURL ? revisionUrl(app.repoURL, revision) : {}),
    };
  }

  private version(apps: AppRecord[], entityName: string): EnvironmentVersion {
    const images = apps.flatMap(a => a.images);
    const own = images.filter(i => imageName(i) === entityName);
    const tags = new Set(
      (own.length ? own : images)
        .map(imageTag)
        .filter((t): t is string => Boolean(t)),
    );
    const latest = apps
      .map(a => ({ app: a, last: a.history[a.history.length - 1] }))
      .filter(x => x.last)
      .sort((a, b) =>
        (b.last!.deployedAt ?? '').localeCompare(a.last!.deployedAt ?? ''),
      )[0];
    return {
      ...(tags.size === 1 ? { version: [...tags][0] } : {}),
      ...(latest?.last?.revision ? { revision: latest.last.revision } : {}),
      ...(latest?.last?.deployedAt
        ? { deployedAt: latest.last.deployedAt }
        : {}),
      ...(latest?.last?.initiatedBy
        ? { deployedBy: latest.last.initiatedBy }
        : {}),
    };
  }

  /** The cluster an application deploys to, when config or the destination tells. */
  private explicitCluster(
    app: AppRecord,
    known: Set<string>,
  ): string | undefined {
    const instance = this.options.config.argocd.instances.find(
      i => i.name === app.instance,
    );
    const dest = app.destination ?? {};
    const mapped =
      (dest.server && instance?.destinationClusters?.[dest.server]) ||
      (dest.name && instance?.destinationClusters?.[dest.name]);
    if (mapped) return mapped;
    if (dest.name && known.has(dest.name)) return dest.name;
    const inCluster =
      dest.server === IN_CLUSTER_SERVER || dest.name === 'in-cluster';
    if (inCluster && instance?.cluster) return instance.cluster;
    return undefined;
  }

  async overview(
    entity: Entity,
    options?: { costWindow?: string },
  ): Promise<EntityOverview> {
    const { config, store, clock } = this.options;
    const costWindow = options?.costWindow ?? config.cost.window;
    const asOf = clock.now();
    const { spec, apps, sources } = await this.appsOf(entity);
    const byEnv = new Map<string, AppRecord[]>();
    for (const app of apps) {
      const env = this.environmentOf(app);
      byEnv.set(env, [...(byEnv.get(env) ?? []), app]);
    }

    // The cost sources of the requested window, under their cluster's name.
    const costSources = store
      .listSources('cost')
      .map(s => ({
        source: s.name,
        ...parseCostSourceName(s.name, config.cost.window),
      }))
      .filter(s => s.window === costWindow)
      .map(s => ({ name: s.cluster, source: s.source }));
    const veleroSources = store.listSources('velero');
    const [costEntries, veleroEntries] =
      apps.length > 0
        ? await Promise.all([
            Promise.all(
              costSources.map(async s => ({
                ...(await store.get<CostClusterData>('cost', s.source)),
                name: s.name,
              })),
            ),
            Promise.all(
              veleroSources.map(s =>
                store.get<VeleroClusterData>('velero', s.name),
              ),
            ),
          ])
        : [[], []];
    sources.push(
      ...costEntries.map(e => this.sourceStatus(e)),
      ...veleroEntries.map(e => this.sourceStatus(e)),
    );
    const known = new Set([
      ...costSources.map(s => s.name),
      ...veleroSources.map(s => s.name),
    ]);

    const environments: EnvironmentOverview[] = sortEnvironments(
      byEnv.keys(),
      config.environments,
    ).map(name => {
      const envApps = byEnv.get(name)!;
      const namespaces = [
        ...new Set(
          envApps
            .map(a => a.destination?.namespace)
            .filter((n): n is string => Boolean(n)),
        ),
      ];
      const explicit = new Set(
        envApps
          .map(a => this.explicitCluster(a, known))
          .filter((c): c is string => Boolean(c)),
      );
      const cost = this.costOf(costEntries, namespaces, explicit, spec);
      const backup = this.backupOf(
        veleroEntries,
        namespaces,
        explicit,
        cost.clusters,
        asOf,
      );
      return {
        name,
        applications: envApps
          .map(a => this.summarize(a))
          .sort((a, b) => a.name.localeCompare(b.name)),
        version: this.version(envApps, entity.metadata.name),
        ...(cost.value ? { cost: cost.value } : {}),
        ...(backup ? { backup } : {}),
      };
    });

    for (const problem of spec.problems) {
      sources.push({
        kind: 'argocd',
        name: 'annotations',
        status: 'error',
        error: problem,
      });
    }
    this.options.index.recordSources(
      spec.entityRef,
      sources.map(s => `${s.kind}:${s.name}`),
    );
    return {
      entityRef: spec.entityRef,
      asOf: asOf.toISOString(),
      environments,
      sources,
    };
  }

  private costOf(
    entries: SourceEntry<CostClusterData>[],
    namespaces: string[],
    explicit: Set<string>,
    spec: WorkloadSpec,
  ): { value?: EnvironmentCost; clusters: Set<string> } {
    const clusters = new Set<string>();
    if (namespaces.length === 0) return { clusters };
    let candidates = entries.filter(e => e.data);
    if (explicit.size > 0) {
      candidates = candidates.filter(e => explicit.has(e.name));
    } else {
      // No cluster mapping configured: the cluster whose allocations hold the namespaces.
      candidates = candidates.filter(e =>
        e.data!.rows.some(r => r.namespace && namespaces.includes(r.namespace)),
      );
    }
    const rows: CostRow[] = [];
    let currency: string | undefined;
    let window: string | undefined;
    for (const entry of candidates) {
      const data = entry.data!;
      clusters.add(entry.name);
      currency ??= data.currency;
      window ??= data.window;
      const inNamespaces = data.rows.filter(
        r => r.namespace && namespaces.includes(r.namespace),
      );
      const labelled = inNamespaces.filter(
        r =>
          r.label !== undefined &&
          matchesLabelSelector(
            spec.costSelector.filter(req => req.key === data.labelKey),
            { [data.labelKey]: r.label },
          ),
      );
      rows.push(...(labelled.length ? labelled : inNamespaces));
    }
    if (!currency || !window) return { clusters };
    const daily = new Map<string, number>();
    let effWeighted = 0;
    let effTotal = 0;
    const sum = { total: 0, cpu: 0, ram: 0, pv: 0, network: 0 };
    for (const r of rows) {
      sum.total += r.total;
      sum.cpu += r.cpu;
      sum.ram += r.ram;
      sum.pv += r.pv;
      sum.network += r.network;
      if (r.efficiencyWeighted !== undefined) {
        effWeighted += r.efficiencyWeighted;
        effTotal += r.total;
      }
      for (const [date, total] of Object.entries(r.daily)) {
        daily.set(date, (daily.get(date) ?? 0) + total);
      }
    }
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      clusters,
      value: {
        window,
        currency,
        total: round(sum.total),
        cpu: round(sum.cpu),
        ram: round(sum.ram),
        pv: round(sum.pv),
        network: round(sum.network),
        ...(effTotal > 0
          ? { efficiency: Math.round((effWeighted / effTotal) * 1000) / 1000 }
          : {}),
        daily: [...daily.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([date, total]) => ({ date, total: round(total) })),
      },
    };
  }

  private backupOf(
    entries: SourceEntry<VeleroClusterData>[],
    namespaces: string[],
    explicit: Set<string>,
    costClusters: Set<string>,
    asOf: Date,
  ) {
    if (namespaces.length === 0) return undefined;
    const withData = entries.filter(e => e.data);
    const mentions = (data: VeleroClusterData) =>
      [...data.schedules, ...data.backups].some(s =>
        namespaces.some(
          ns => s.includedNamespaces.includes(ns) && scopeCovers(s, ns),
        ),
      );
    const pick =
      (explicit.size && withData.find(e => explicit.has(e.name))) ||
      (!explicit.size && withData.find(e => mentions(e.data!))) ||
      (!explicit.size && withData.find(e => costClusters.has(e.name))) ||
      (!explicit.size && withData.length === 1 ? withData[0] : undefined);
    if (!pick) return undefined;
    const target = this.options.config.velero.rpoTargetHours;
    return computeBackup({
      data: pick.data!,
      namespaces,
      now: asOf,
      rpoTargetSeconds: target ? Math.round(target * 3600) : undefined,
    });
  }

  /** Deployment history of the entity's applications, newest first, with commit metadata. */
  async history(entity: Entity): Promise<EntityHistory> {
    const { spec, apps, sources } = await this.appsOf(entity);
    const failures = new Map<string, string>();
    // One metadata lookup per (instance, revision), a few at a time.
    const lookups = new Map<string, { app: AppRecord; revision: string }>();
    for (const app of apps) {
      for (const h of app.history) {
        if (h.revision) {
          lookups.set(`${app.instance}:${h.revision}`, {
            app,
            revision: h.revision,
          });
        }
      }
    }
    const metadata = new Map<string, { author?: string; message?: string }>();
    await forEachLimit([...lookups.entries()], 8, async ([key, l]) => {
      const argo = this.options.argo.get(l.app.instance);
      if (!argo) return;
      try {
        const meta = await this.revisionMetadata(argo, l.app, l.revision);
        if (meta) metadata.set(key, meta);
      } catch (error) {
        failures.set(l.app.instance, describeError(error));
      }
    });
    const entries: DeploymentHistoryEntry[] = apps.flatMap(app => {
      const last = app.history[app.history.length - 1];
      return app.history.map(h => {
        const meta = metadata.get(`${app.instance}:${h.revision}`);
        return {
          instance: app.instance,
          application: app.name,
          environment: this.environmentOf(app),
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
    for (const s of sources) {
      const failure = failures.get(s.name);
      if (s.kind === 'argocd' && failure && !s.error) {
        s.error = `revision metadata: ${failure}`;
      }
    }
    entries.sort(
      (a, b) =>
        (b.deployedAt ?? '').localeCompare(a.deployedAt ?? '') ||
        a.application.localeCompare(b.application) ||
        b.id - a.id,
    );
    return { entityRef: spec.entityRef, entries, sources };
  }

  /** Revision metadata is immutable per commit: cached for a long time. */
  private async revisionMetadata(
    argo: ArgoCdApi,
    app: AppRecord,
    revision: string,
  ): Promise<{ author?: string; message?: string } | undefined> {
    if (!revision) return undefined;
    const key = `gitops:revmeta:v1:${app.instance}:${revision}`;
    const cached = await this.options.cache.get<{
      author?: string;
      message?: string;
    }>(key);
    if (cached) return cached;
    return this.flights.do(key, async () => {
      const meta = await argo.getRevisionMetadata(
        { name: app.name, appNamespace: app.namespace },
        revision,
      );
      const value = {
        ...(meta.author ? { author: meta.author } : {}),
        ...(meta.message ? { message: meta.message } : {}),
      };
      await this.options.cache.set(key, value, { ttl: 7 * 86_400_000 });
      return value;
    });
  }

  /** Resource trees of the entity's applications (fetched live: a tab, not the page). */
  async resources(entity: Entity): Promise<EntityResources> {
    const { spec, apps, sources } = await this.appsOf(entity);
    const failures = new Map<string, string>();
    const applications = await Promise.all(
      apps.map(async app => {
        const argo = this.options.argo.get(app.instance);
        let resources: ResourceNode[] = [];
        if (argo) {
          const ref = { name: app.name, appNamespace: app.namespace };
          try {
            const [full, tree] = await Promise.all([
              argo.getApplication(ref),
              argo.getResourceTree(ref),
            ]);
            resources = mergeResources(
              full.status?.resources ?? [],
              tree.nodes ?? [],
            );
          } catch (error) {
            failures.set(app.instance, describeError(error));
          }
        }
        return {
          instance: app.instance,
          name: app.name,
          environment: this.environmentOf(app),
          resources,
        };
      }),
    );
    for (const s of sources) {
      const failure = failures.get(s.name);
      if (s.kind === 'argocd' && failure) {
        s.status = 'error';
        s.error = failure;
      }
    }
    return { entityRef: spec.entityRef, applications, sources };
  }
}

type StatusResource = {
  group?: string | null;
  version?: string | null;
  kind: string;
  namespace?: string | null;
  name: string;
  status?: string | null;
  health?: { status?: string | null; message?: string | null } | null;
};
type TreeNode = StatusResource & {
  uid?: string | null;
  parentRefs?: Array<{ uid?: string | null }> | null;
};

const resourceKey = (r: StatusResource) =>
  `${r.group ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** Tree nodes with the sync status of `status.resources`, plus managed resources not in the tree. */
export function mergeResources(
  managed: StatusResource[],
  nodes: TreeNode[],
): ResourceNode[] {
  const byKey = new Map(managed.map(r => [resourceKey(r), r]));
  const out: ResourceNode[] = [];
  const seen = new Set<string>();
  const clean = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.entries(o).filter(([, v]) => v !== undefined && v !== null),
    ) as T;
  for (const node of nodes) {
    const key = resourceKey(node);
    seen.add(key);
    const m = byKey.get(key);
    const health = node.health ?? m?.health;
    out.push(
      clean({
        group: node.group ?? undefined,
        version: node.version ?? undefined,
        kind: node.kind,
        namespace: node.namespace ?? undefined,
        name: node.name,
        sync: m?.status ? toSyncStatus(m.status) : undefined,
        health: health?.status ? toHealthStatus(health.status) : undefined,
        healthMessage: health?.message ?? undefined,
        uid: node.uid ?? undefined,
        parentUids: node.parentRefs
          ?.map(p => p.uid)
          .filter((u): u is string => Boolean(u)),
      }),
    );
  }
  for (const m of managed) {
    if (seen.has(resourceKey(m))) continue;
    out.push(
      clean({
        group: m.group ?? undefined,
        version: m.version ?? undefined,
        kind: m.kind,
        namespace: m.namespace ?? undefined,
        name: m.name,
        sync: m.status ? toSyncStatus(m.status) : undefined,
        health: m.health?.status ? toHealthStatus(m.health.status) : undefined,
        healthMessage: m.health?.message ?? undefined,
      }),
    );
  }
  return out;
}

function revisionUrl(repoURL: string, revision: string) {
  const m =
    /^(?:https:\/\/|git@)(github\.com|gitlab\.com)[/:](.+?)(?:\.git)?\/?$/.exec(
      repoURL,
    );
  if (!m) return {};
  const sep = m[1] === 'gitlab.com' ? '/-/commit/' : '/commit/';
  return { revisionUrl: `https://${m[1]}/${m[2]}${sep}${revision}` };
}

async function forEachLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}
