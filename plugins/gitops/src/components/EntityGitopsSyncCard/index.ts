export { EntityGitopsSyncCard } from './EntityGitopsSyncCard';
