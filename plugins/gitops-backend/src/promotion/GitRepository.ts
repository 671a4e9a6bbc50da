// The repository's interface is a type of gitops-node, where pull-request providers see it.
export type {
  ChangeFn,
  CommitResult,
  GitAuthor,
  GitRepository,
  GitTree,
} from '@internal/backstage-plugin-gitops-node';
