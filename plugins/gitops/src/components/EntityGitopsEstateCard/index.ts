export { EntityGitopsEstateCard } from './EntityGitopsEstateCard';
export { EstateStates, RequireEstateEntity } from './EstateStates';
export { isEstateEntity } from './isEstateEntity';
