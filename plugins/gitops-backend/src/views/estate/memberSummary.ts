import type {
  ApplicationSummary,
  EstateBackups,
  EstateCell,
  EstateCostRow,
  EstateService,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import {
  environmentHealth,
  environmentSync,
  isProductionIn,
} from '@internal/backstage-plugin-gitops-common';
import type { OverviewContent } from '../overviewBuilder';

const operationFailed = (app: ApplicationSummary) =>
  app.operation?.phase === 'Failed' || app.operation?.phase === 'Error';

const latest = (values: Array<string | undefined>) =>
  values.reduce<string | undefined>(
    (a, b) => (b && (!a || b > a) ? b : a),
    undefined,
  );

/** One backup fact of a member's environment, for the estate's worst RPO. */
export type MemberRpo = NonNullable<EstateBackups['worstRpo']> & {
  production: boolean;
};

/**
 * What the estate takes from one member's overview: its matrix row (without its systems, which
 * come from the membership), its cost rows, its backup facts and its sources. Derived once per
 * change of the member's overview, so an estate is a sum over these, never a parse.
 */
export type MemberSummary = {
  row: Omit<EstateService, 'systems'>;
  currency?: string;
  cost: EstateCostRow[];
  uncovered: EstateBackups['uncovered'];
  rpo: MemberRpo[];
  failures: EstateBackups['failures'];
  sources: SourceStatus[];
};

/** A source that did not answer, as a row's `sourceErrors` and the estate's `errors` say it. */
export function describeSource(source: SourceStatus): string {
  const what = `${source.provider} ${source.name}`;
  const state = source.status === 'stale' ? ' (stale)' : '';
  return `${what}${state}: ${source.error ?? source.status}`;
}

export function summarizeMember(options: {
  overview: OverviewContent;
  title?: string;
  /** Environments in promotion order (`gitops.environments`). */
  order: string[];
  productionEnvironments: string[];
}): MemberSummary {
  const { overview, order, productionEnvironments } = options;
  const entityRef = overview.entityRef;
  const byName = new Map(overview.environments.map(e => [e.name, e]));
  const environments: Record<string, EstateCell> = {};
  for (const env of overview.environments) {
    const apps = env.applications;
    const version = env.version.version;
    // The environment before this one in the promotion order that the service has.
    const index = order.indexOf(env.name);
    const previous =
      index > 0
        ? order
            .slice(0, index)
            .reverse()
            .map(name => byName.get(name))
            .find(Boolean)
        : undefined;
    const previousVersion = previous?.version.version;
    const cell: EstateCell = {
      ...(version ? { version } : {}),
      ...(apps.length
        ? {
            sync: environmentSync(apps),
            health: environmentHealth(apps),
          }
        : {}),
      ...(env.version.deployedAt
        ? { lastDeployedAt: env.version.deployedAt }
        : {}),
      ...(previousVersion && previousVersion !== version
        ? { waitingVersion: previousVersion }
        : {}),
      ...(apps.some(operationFailed) ? { syncFailed: true } : {}),
      applications: apps.length,
    };
    environments[env.name] = cell;
  }
  const cells = Object.values(environments);
  const failedSources = overview.sources.filter(s => s.status !== 'ok');
  const production = isProductionIn(productionEnvironments);
  const costed = overview.environments.filter(e => e.cost);
  return {
    row: {
      entityRef,
      ...(options.title ? { title: options.title } : {}),
      environments,
      failing: cells.some(
        c => c.health === 'Degraded' || c.health === 'Missing' || c.syncFailed,
      ),
      drifted: cells.some(c => c.waitingVersion !== undefined),
      ...(latest(cells.map(c => c.lastDeployedAt))
        ? { lastDeployedAt: latest(cells.map(c => c.lastDeployedAt)) }
        : {}),
      sourceErrors: failedSources.map(describeSource),
    },
    ...(costed.length ? { currency: costed[0].cost!.currency } : {}),
    cost: costed.map(env => {
      const { total, cpu, ram, pv, network, efficiency } = env.cost!;
      return {
        entityRef,
        environment: env.name,
        total,
        cpu,
        ram,
        pv,
        network,
        ...(efficiency !== undefined ? { efficiency } : {}),
      };
    }),
    uncovered: overview.environments
      .filter(e => production(e.name))
      .flatMap(e =>
        (e.backup?.uncoveredNamespaces ?? []).map(namespace => ({
          entityRef,
          environment: e.name,
          namespace,
        })),
      ),
    rpo: overview.environments
      .filter(e => e.backup)
      .map(e => {
        const b = e.backup!;
        return {
          entityRef,
          environment: e.name,
          production: production(e.name),
          ...(b.rpoSeconds !== undefined ? { rpoSeconds: b.rpoSeconds } : {}),
          ...(b.rpoTargetSeconds !== undefined
            ? { rpoTargetSeconds: b.rpoTargetSeconds }
            : {}),
          ...(b.lastSuccessfulAt
            ? { lastSuccessfulAt: b.lastSuccessfulAt }
            : {}),
        };
      }),
    failures: overview.environments.flatMap(e =>
      (e.backup?.failures ?? []).map(f => ({
        entityRef,
        environment: e.name,
        name: f.name,
        phase: f.phase,
        ...(f.at ? { at: f.at } : {}),
      })),
    ),
    sources: overview.sources,
  };
}
