export { EntityGitopsBackupCard } from './EntityGitopsBackupCard';
