import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createEnvironmentNextAction } from './actions/environmentNext';
import { createManifestsCreateAction } from './actions/manifestsCreate';
import { createManifestsValidateAction } from './actions/manifestsValidate';
import { createArgocdRegisterAction } from './actions/argocdRegister';

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
      deps: { scaffolderActions: scaffolderActionsExtensionPoint },
      async init({ scaffolderActions }) {
        scaffolderActions.addActions(
          createEnvironmentNextAction(),
          createManifestsCreateAction(),
          createManifestsValidateAction(),
          createArgocdRegisterAction(),
        );
      },
    });
  },
});
