import type { GitAuthor, GitRepository } from './git';

/** A promotion's pull request. @public */
export type PullRequest = {
  /** Where people look at it (a GitHub URL, or `<repo>#branch=<branch>` for plain branches). */
  url: string;
  /** The code host's number of the pull request (GitHub). */
  number?: number;
  branch: string;
  base: string;
  state: 'open' | 'merged' | 'closed';
};

/**
 * Opens, merges and closes pull requests for promotion branches. The promotion pushes the branch
 * (through the GitRepository) before `open`, so a provider only deals with the code host.
 * `open` must be idempotent: a retry may find the pull request of the branch already open.
 *
 * @public
 */
export interface PullRequestProvider {
  /** The code host, e.g. `github`, or `branch` for plain branches merged by Backstage. */
  readonly provider: string;
  /** How it is shown in the start-up log line, e.g. `GitHub pull requests on acme/gitops`. */
  readonly description: string;
  open(options: {
    branch: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest>;
  /** Merges into the base; returns the sha now at the tip of the base. */
  merge(options: {
    pullRequest: Pick<PullRequest, 'url' | 'branch' | 'base'>;
    author: GitAuthor;
    message: string;
  }): Promise<{ sha: string; fastForward: boolean }>;
  close(options: {
    pullRequest: Pick<PullRequest, 'url' | 'branch' | 'base'>;
  }): Promise<void>;
}

/** What a pull-request provider factory gets: the repository promotions push to. @public */
export type PullRequestProviderContext = {
  repo: GitRepository;
  /** `gitops.repository.url` */
  repositoryUrl: string;
};
