import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import type { AppQuery } from '../store/AppStore';
import {
  parseLabelSelector,
  SelectorError,
  type SelectorRequirement,
} from './labelSelector';

/** Which Argo CD applications belong to an entity, read from its annotations. */
export type WorkloadSpec = {
  entityRef: string;
  appNames: string[];
  selector?: SelectorRequirement[];
  instance?: string;
  appNamespace?: string;
  project?: string;
  costSelector: SelectorRequirement[];
  /** Annotation problems (bad selector syntax), reported in the answer. */
  problems: string[];
};

const annotation = (entity: Entity, key: string) =>
  entity.metadata.annotations?.[key]?.trim() || undefined;

export function workloadSpecOf(entity: Entity): WorkloadSpec {
  const problems: string[] = [];
  const appNames = (annotation(entity, GITOPS_ANNOTATIONS.argoAppName) ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
  let selector: SelectorRequirement[] | undefined;
  const rawSelector = annotation(entity, GITOPS_ANNOTATIONS.argoAppSelector);
  if (rawSelector) {
    try {
      selector = parseLabelSelector(rawSelector);
    } catch (error) {
      problems.push(
        `annotation ${GITOPS_ANNOTATIONS.argoAppSelector}: ${
          error instanceof SelectorError ? error.message : 'invalid selector'
        }`,
      );
    }
  }
  let costSelector: SelectorRequirement[] = [
    { key: 'app', op: 'in', values: [entity.metadata.name] },
  ];
  const rawCost = annotation(entity, GITOPS_ANNOTATIONS.costLabelSelector);
  if (rawCost) {
    try {
      costSelector = parseLabelSelector(rawCost);
    } catch (error) {
      problems.push(
        `annotation ${GITOPS_ANNOTATIONS.costLabelSelector}: ${
          error instanceof SelectorError ? error.message : 'invalid selector'
        }`,
      );
    }
  }
  return {
    entityRef: stringifyEntityRef(entity),
    appNames,
    selector,
    instance: annotation(entity, GITOPS_ANNOTATIONS.argoInstanceName),
    appNamespace: annotation(entity, GITOPS_ANNOTATIONS.argoAppNamespace),
    project: annotation(entity, GITOPS_ANNOTATIONS.argoProjectName),
    costSelector,
    problems,
  };
}

/** Whether an entity maps to any application at all. */
export const hasWorkloads = (spec: WorkloadSpec) =>
  spec.appNames.length > 0 || (spec.selector?.length ?? 0) > 0;

/** What the store is asked for the entity's applications. */
export const appQueryOf = (spec: WorkloadSpec): AppQuery => ({
  names: spec.appNames,
  selector: spec.selector,
  instance: spec.instance,
  appNamespace: spec.appNamespace,
  project: spec.project,
});

/**
 * The environment of an application: the configured label, else an `-<env>` suffix of the app
 * name, else of the destination namespace; `default` when none says.
 */
export function environmentOf(
  app: DeploymentApp,
  options: { environments: readonly string[]; environmentLabel: string },
): string {
  const label = app.labels[options.environmentLabel]?.trim();
  if (label) return label;
  const bySuffix = (value?: string) =>
    value
      ? [...options.environments]
          .sort((a, b) => b.length - a.length)
          .find(env => value === env || value.endsWith(`-${env}`))
      : undefined;
  return (
    bySuffix(app.name) ?? bySuffix(app.destination?.namespace) ?? 'default'
  );
}

/** The tag of an image reference (`registry:5000/a/b:1.2.3@sha256:..` → `1.2.3`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

/** Repository name of an image (`registry/x/payments-api:1` → `payments-api`). */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const repo =
    colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  return repo.slice(repo.lastIndexOf('/') + 1);
}
