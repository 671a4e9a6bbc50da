import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { GitopsClient, gitopsApiRef } from './api';
import { isEstateEntity } from './components/EntityGitopsEstateCard/isEstateEntity';

/** Cards and tab show on services; without the annotation they explain what to add. */
const isService = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  entity.spec?.type === 'service';

/** The client of the gitops backend. */
export const gitopsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gitopsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GitopsClient(deps),
    }),
});

/** The environment matrix on the entity overview. */
export const entityGitopsEnvironmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isService,
    type: 'content',
    loader: () =>
      import('./components/EntityGitopsEnvironmentsCard').then(m => (
        <m.EntityGitopsEnvironmentsCard />
      )),
  },
});

/** The Argo CD applications with Sync / Refresh / Rollback. */
export const entityGitopsSyncCard = EntityCardBlueprint.make({
  name: 'sync',
  // The GitOps tab shows it; enable it on the overview with `entity-card:gitops/sync: true`.
  disabled: true,
  params: {
    filter: isService,
    type: 'content',
    loader: () =>
      import('./components/EntityGitopsSyncCard').then(m => (
        <m.EntityGitopsSyncCard />
      )),
  },
});

/** Cost per environment. */
export const entityGitopsCostCard = EntityCardBlueprint.make({
  name: 'cost',
  // The GitOps tab shows it; enable it on the overview with `entity-card:gitops/cost: true`.
  disabled: true,
  params: {
    filter: isService,
    loader: () =>
      import('./components/EntityGitopsCostCard').then(m => (
        <m.EntityGitopsCostCard />
      )),
  },
});

/** Backups per environment. */
export const entityGitopsBackupCard = EntityCardBlueprint.make({
  name: 'backup',
  // The GitOps tab shows it; enable it on the overview with `entity-card:gitops/backup: true`.
  disabled: true,
  params: {
    filter: isService,
    loader: () =>
      import('./components/EntityGitopsBackupCard').then(m => (
        <m.EntityGitopsBackupCard />
      )),
  },
});

/** Group and System pages: every service × environment, failing first, approvals waiting. */
export const entityGitopsEstateCard = EntityCardBlueprint.make({
  name: 'estate',
  params: {
    filter: isEstateEntity,
    type: 'content',
    loader: () =>
      import('./components/EntityGitopsEstateCard').then(m => (
        <m.EntityGitopsEstateCard />
      )),
  },
});

/** Group and System pages: cost per service and environment, for chargeback (CSV). */
export const entityGitopsEstateCostCard = EntityCardBlueprint.make({
  name: 'estate-cost',
  params: {
    filter: isEstateEntity,
    type: 'content',
    loader: () =>
      import('./components/EntityGitopsEstateCostCard').then(m => (
        <m.EntityGitopsEstateCostCard />
      )),
  },
});

/** Group and System pages: uncovered prod namespaces, worst RPO, last failed backups. */
export const entityGitopsEstateBackupCard = EntityCardBlueprint.make({
  name: 'estate-backup',
  params: {
    filter: isEstateEntity,
    // Beside the group's profile, in the page's side column.
    type: 'info',
    loader: () =>
      import('./components/EntityGitopsEstateBackupCard').then(m => (
        <m.EntityGitopsEstateBackupCard />
      )),
  },
});

/** Group and System pages: the team's or system's DORA figures. */
export const entityGitopsDoraCard = EntityCardBlueprint.make({
  name: 'dora',
  params: {
    filter: isEstateEntity,
    // Beside the group's profile, in the page's side column.
    type: 'info',
    loader: () =>
      import('./components/EntityGitopsDoraCard').then(m => (
        <m.EntityGitopsDoraCard />
      )),
  },
});

/** A service's DORA figures. */
export const entityGitopsServiceDoraCard = EntityCardBlueprint.make({
  name: 'service-dora',
  // The GitOps tab shows it; enable it on the overview with `entity-card:gitops/service-dora: true`.
  disabled: true,
  params: {
    filter: isService,
    loader: () =>
      import('./components/EntityGitopsDoraCard').then(m => (
        <m.EntityGitopsDoraCard />
      )),
  },
});

/** The GitOps tab of the entity page. */
export const entityGitopsContent = EntityContentBlueprint.make({
  name: 'gitops',
  params: {
    path: '/gitops',
    title: 'GitOps',
    filter: isService,
    loader: () =>
      import('./components/EntityGitopsContent').then(m => (
        <m.EntityGitopsContent />
      )),
  },
});

/**
 * The GitOps frontend plugin (new frontend system).
 *
 * @public
 */
export const gitopsPlugin = createFrontendPlugin({
  pluginId: 'gitops',
  extensions: [
    gitopsApi,
    entityGitopsEnvironmentsCard,
    entityGitopsSyncCard,
    entityGitopsCostCard,
    entityGitopsBackupCard,
    entityGitopsEstateCard,
    entityGitopsEstateCostCard,
    entityGitopsEstateBackupCard,
    entityGitopsDoraCard,
    entityGitopsServiceDoraCard,
    entityGitopsContent,
  ],
});
