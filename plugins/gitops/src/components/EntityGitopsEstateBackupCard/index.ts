export { EntityGitopsEstateBackupCard } from './EntityGitopsEstateBackupCard';
