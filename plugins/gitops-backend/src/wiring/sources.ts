import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type {
  BackupSource,
  CostSource,
  DeploymentSource,
  GitopsSourceFactoryContext,
  SourceOrFactory,
} from '@internal/backstage-plugin-gitops-node';
import type { GitopsConfig } from '../config';
import { ArgoCdClient } from '../sources/argocd/ArgoCdClient';
import { ArgoCdSource } from '../sources/argocd/ArgoCdSource';
import { ListGate } from '../sources/listGate';
import { AllocationCostClient } from '../sources/cost/AllocationCostClient';
import { VeleroSource } from '../sources/velero/VeleroSource';
import type { GitopsStore } from '../store/GitopsStore';
import type { GitopsClock } from '../util/clock';
import { upstreamTlsOf } from './upstreamTls';

/** What backend modules added through the extension points, before the plugin starts. */
export type AddedSources = {
  deployments: SourceOrFactory<DeploymentSource>[];
  costs: SourceOrFactory<CostSource>[];
  backups: SourceOrFactory<BackupSource>[];
};

const resolve = async <T>(
  items: SourceOrFactory<T>[],
  context: GitopsSourceFactoryContext,
): Promise<T[]> =>
  Promise.all(
    items.map(item =>
      typeof item === 'function'
        ? (item as (c: GitopsSourceFactoryContext) => T | Promise<T>)(context)
        : item,
    ),
  );

const unique = <T>(items: T[], nameOf: (item: T) => string, what: string) => {
  const seen = new Set<string>();
  for (const item of items) {
    const name = nameOf(item);
    if (seen.has(name)) {
      throw new Error(
        `Invalid gitops configuration: duplicate ${what} "${name}"`,
      );
    }
    seen.add(name);
  }
  return items;
};

/** The configured upstreams (Argo CD, Kubecost / OpenCost, Velero) plus the modules' ones. */
export async function buildSources(options: {
  config: GitopsConfig;
  rootConfig: RootConfigService;
  added: AddedSources;
  clock: GitopsClock;
  logger: LoggerService;
}) {
  const { config, logger } = options;
  const context = { config: options.rootConfig, logger };
  // Each upstream's own CA or no verification, never the process's.
  const tls = upstreamTlsOf(config, logger);
  // The Argo CD instances take turns to parse their full lists (see ListGate).
  const listGate = new ListGate();
  const deployments = unique(
    [
      ...config.argocd.instances.map(
        (instance, i) =>
          new ArgoCdSource(
            new ArgoCdClient(instance, options.clock, tls.argocd(i)),
            {
              logger,
              resyncMs: config.argocd.resyncMinutes * 60_000,
              listGate,
            },
          ),
      ),
      ...(await resolve(options.added.deployments, context)),
    ],
    s => s.name,
    'deployment source',
  );
  const costs = unique(
    [
      ...config.cost.clusters.map(
        (c, i) => new AllocationCostClient(c, tls.cost(i)),
      ),
      ...(await resolve(options.added.costs, context)),
    ],
    s => s.cluster,
    'cost source',
  );
  const backups = unique(
    [
      ...config.velero.clusters.map(
        (c, i) => new VeleroSource(c, { logger, tls: tls.velero(i) }),
      ),
      ...(await resolve(options.added.backups, context)),
    ],
    s => s.cluster,
    'backup source',
  );
  return { deployments, costs, backups, close: tls.close };
}

/** Makes the sources known to the store (before the first view is computed). */
export function registerSources(
  store: GitopsStore,
  sources: { deployments: DeploymentSource[]; backups: BackupSource[] },
) {
  for (const source of sources.deployments) {
    store.deployments.set(source.name, source);
  }
  for (const source of sources.backups) store.backups.declare(source.cluster);
}

/**
 * Runs the informers of the deployment and backup sources into the store until `signal`
 * aborts (each source reports failures itself and retries).
 */
export function runSources(options: {
  store: GitopsStore;
  deployments: DeploymentSource[];
  backups: BackupSource[];
  signal: AbortSignal;
}) {
  const { store, signal } = options;
  for (const source of options.deployments) {
    const name = source.name;
    void source.run(
      {
        replaceAll: apps => store.apps.replaceAll(name, apps),
        beginList: () => store.apps.beginList(name),
        upsert: app => store.apps.upsert({ ...app, instance: name }),
        remove: app => store.apps.remove(name, app),
        setStatus: status => store.apps.setStatus(name, status),
      },
      signal,
    );
  }
  for (const source of options.backups) {
    void source.run(
      {
        set: data => store.backups.set(source.cluster, data),
        setStatus: status => store.backups.setStatus(source.cluster, status),
      },
      signal,
    );
  }
}
