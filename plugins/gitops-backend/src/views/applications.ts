import type {
  ApplicationSummary,
  EnvironmentVersion,
} from '@internal/backstage-plugin-gitops-common';
import type {
  DeploymentApp,
  DeploymentSource,
} from '@internal/backstage-plugin-gitops-node';
import type { GitopsConfig } from '../config';
import {
  environmentOf as environmentOfApp,
  imageName,
  imageTag,
} from '../entities/workloads';

export const environmentOf = (
  app: DeploymentApp,
  config: Pick<GitopsConfig, 'environments' | 'environmentLabel'>,
) => environmentOfApp(app, config);

/** The last deployment: from the history, or (a summary record) the last finished sync. */
function lastDeployment(app: DeploymentApp) {
  const last = app.history?.[app.history.length - 1];
  if (last) return last;
  const op = app.operation;
  return op?.phase === 'Succeeded' && op.finishedAt
    ? {
        deployedAt: op.finishedAt,
        revision: op.revision,
        initiatedBy: op.initiatedBy,
      }
    : undefined;
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

/** One application as the pages show it. */
export function summarize(
  app: DeploymentApp,
  source: DeploymentSource | undefined,
  config: Pick<GitopsConfig, 'environments' | 'environmentLabel'>,
): ApplicationSummary {
  const last = lastDeployment(app);
  const revision =
    last?.revision || app.operation?.revision || app.syncRevision;
  return {
    instance: app.instance,
    name: app.name,
    ...(app.namespace ? { namespace: app.namespace } : {}),
    ...(app.project ? { project: app.project } : {}),
    environment: environmentOf(app, config),
    sync: app.sync,
    health: app.health,
    ...(app.healthMessage ? { healthMessage: app.healthMessage } : {}),
    ...(revision ? { revision } : {}),
    images: app.images,
    ...(last?.deployedAt ? { lastSyncedAt: last.deployedAt } : {}),
    ...(app.operation ? { operation: app.operation } : {}),
    autoSync: app.autoSync,
    ...(app.destination ? { destination: app.destination } : {}),
    ...(source?.webUrl
      ? {
          url: `${source.webUrl}/applications/${
            app.namespace ? `${encodeURIComponent(app.namespace)}/` : ''
          }${encodeURIComponent(app.name)}`,
        }
      : {}),
    ...(revision && app.repoURL ? revisionUrl(app.repoURL, revision) : {}),
  };
}

/** The version an environment runs: the image tag its applications agree on. */
export function versionOf(
  apps: DeploymentApp[],
  entityName: string,
): EnvironmentVersion {
  const images = apps.flatMap(a => a.images);
  const own = images.filter(i => imageName(i) === entityName);
  const tags = new Set(
    (own.length ? own : images)
      .map(imageTag)
      .filter((t): t is string => Boolean(t)),
  );
  const latest = apps
    .map(app => lastDeployment(app))
    .filter(<T>(x: T | undefined): x is T => Boolean(x))
    .sort((a, b) => (b.deployedAt ?? '').localeCompare(a.deployedAt ?? ''))[0];
  return {
    ...(tags.size === 1 ? { version: [...tags][0] } : {}),
    ...(latest?.revision ? { revision: latest.revision } : {}),
    ...(latest?.deployedAt ? { deployedAt: latest.deployedAt } : {}),
    ...(latest?.initiatedBy ? { deployedBy: latest.initiatedBy } : {}),
  };
}
