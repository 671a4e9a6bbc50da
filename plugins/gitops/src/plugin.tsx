import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';

/** Cards and tab show on services; without the annotation they explain what to add. */
const isService = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  entity.spec?.type === 'service';

/** The environments card on the entity overview. */
export const entityGitopsEnvironmentsCard = EntityCardBlueprint.make({
  name: 'environments',
  params: {
    filter: isService,
    loader: () =>
      import('./components/EntityGitopsEnvironmentsCard').then(m => (
        <m.EntityGitopsEnvironmentsCard />
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
  extensions: [entityGitopsEnvironmentsCard, entityGitopsContent],
});
