/**
 * Scaffolder actions of the GitOps suite (`gitops:<noun>:<verb>`).
 *
 * @packageDocumentation
 */

export { scaffolderModuleGitopsActions as default } from './module';
export { createEnvironmentNextAction } from './actions/environmentNext';
export { createEnvironmentPromoteAction } from './actions/environmentPromote';
export { createManifestsCreateAction } from './actions/manifestsCreate';
export { createManifestsValidateAction } from './actions/manifestsValidate';
export { createArgocdRegisterAction } from './actions/argocdRegister';
export { createRepoCloneAction } from './actions/repoClone';
export { createRepoPushAction } from './actions/repoPush';
