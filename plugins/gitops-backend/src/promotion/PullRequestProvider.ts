import type { GitAuthor, GitRepository } from './GitRepository';

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
 * Opens, merges and closes pull requests for promotion branches. The service pushes the
 * branch (through the GitRepository) before `open`, so a provider only deals with the code
 * host: `BranchPullRequestProvider` (the branch is the PR) or `GithubPullRequestProvider`.
 * `open` must be idempotent: a retry may find the PR of the branch already open.
 */
export interface PullRequestProvider {
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

/**
 * Pull requests as plain branches, for setups without a code host API: the branch is the PR,
 * it is recorded (by the promotion store) as open, and merging fast-forwards the base or makes
 * a merge commit. The branch is deleted after the merge.
 */
export class BranchPullRequestProvider implements PullRequestProvider {
  constructor(private readonly repo: GitRepository) {}

  async open(options: {
    branch: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest> {
    return {
      url: `${this.repo.displayName}#branch=${options.branch}`,
      branch: options.branch,
      base: options.base,
      state: 'open',
    };
  }

  async merge(options: {
    pullRequest: Pick<PullRequest, 'url' | 'branch' | 'base'>;
    author: GitAuthor;
    message: string;
  }): Promise<{ sha: string; fastForward: boolean }> {
    const result = await this.repo.merge({
      source: options.pullRequest.branch,
      target: options.pullRequest.base,
      author: options.author,
      message: options.message,
    });
    await this.repo.deleteBranch(options.pullRequest.branch);
    return { sha: result.sha, fastForward: result.fastForward };
  }

  async close(options: {
    pullRequest: Pick<PullRequest, 'url' | 'branch' | 'base'>;
  }): Promise<void> {
    await this.repo.deleteBranch(options.pullRequest.branch);
  }
}
