export { EntityGitopsEstateCostCard } from './EntityGitopsEstateCostCard';
