export { RequireGitopsAnnotations, OverviewStates } from './GitopsCardStates';
