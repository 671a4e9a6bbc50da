import type {
  GitAuthor,
  GitRepository,
  PullRequest,
  PullRequestProvider,
} from '@internal/backstage-plugin-gitops-node';

export type {
  PullRequest,
  PullRequestProvider,
} from '@internal/backstage-plugin-gitops-node';

/**
 * Pull requests as plain branches, for setups without a code host API: the branch is the PR,
 * it is recorded (by the promotion store) as open, and merging fast-forwards the base or makes
 * a merge commit. The branch is deleted after the merge.
 */
export class BranchPullRequestProvider implements PullRequestProvider {
  readonly provider = 'branch';
  readonly description = 'branches (merged by Backstage)';

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
