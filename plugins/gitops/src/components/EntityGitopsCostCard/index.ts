export { EntityGitopsCostCard } from './EntityGitopsCostCard';
