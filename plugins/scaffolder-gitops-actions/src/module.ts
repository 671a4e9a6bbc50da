import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createEnvironmentNextAction } from './actions/environmentNext';
import { createEnvironmentPromoteAction } from './actions/environmentPromote';
import { createManifestsCreateAction } from './actions/manifestsCreate';
import { createManifestsValidateAction } from './actions/manifestsValidate';
import { createArgocdRegisterAction } from './actions/argocdRegister';
import { createRepoCloneAction } from './actions/repoClone';
import { createRepoPushAction } from './actions/repoPush';
import { readRepositoryDefaults } from './lib/repositoryConfig';

/**
 * Registers the `gitops:*` actions with the scaffolder.
 *
 * @public
 */
export const scaffolderModuleGitopsActions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'gitops-actions',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolderActions, config, discovery, auth }) {
        const repository = readRepositoryDefaults(config);
        scaffolderActions.addActions(
          createEnvironmentNextAction(),
          createEnvironmentPromoteAction({ discovery, auth }),
          createManifestsCreateAction(),
          createManifestsValidateAction(),
          createArgocdRegisterAction(),
          createRepoCloneAction(repository),
          createRepoPushAction(repository),
        );
      },
    });
  },
});
