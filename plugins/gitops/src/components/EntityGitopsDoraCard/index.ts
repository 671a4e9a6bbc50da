export { EntityGitopsDoraCard } from './EntityGitopsDoraCard';
