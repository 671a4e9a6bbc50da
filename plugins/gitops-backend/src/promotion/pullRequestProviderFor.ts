import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { GitRepository } from './GitRepository';
import { parseGithubRepository } from './githubRepository';
import {
  GithubPullRequestProvider,
  type GithubMergeMethod,
} from './GithubPullRequestProvider';
import {
  BranchPullRequestProvider,
  type PullRequestProvider,
} from './PullRequestProvider';

/** The `gitops.promotion.pullRequests` block. */
export type PullRequestsConfig = {
  provider?: 'github' | 'branch';
  /** The GitHub repository of the PRs when `gitops.repository.url` does not name it. */
  repositoryUrl?: string;
  mergeMethod?: GithubMergeMethod;
};

const KEY = 'gitops.promotion.pullRequests';

/**
 * The pull request provider of the promotion: `github` when configured so, or by default when
 * the repository is on a host of `integrations.github` that has a token or an app; `branch`
 * (the pushed branch is the PR, merged by Backstage) otherwise. A `github` that cannot work
 * fails start-up with a message naming the key.
 */
export function pullRequestProviderFor(options: {
  config?: PullRequestsConfig;
  /** `gitops.repository.url`, the git remote. */
  repositoryUrl: string;
  repo: GitRepository;
  integrations: ScmIntegrationRegistry;
  githubCredentials: GithubCredentialsProvider;
  logger?: LoggerService;
}): { provider: PullRequestProvider; description: string } {
  const config = options.config ?? {};
  const branch = () => {
    const provider = new BranchPullRequestProvider(options.repo);
    return { provider, description: provider.description };
  };
  if (config.provider === 'branch') return branch();

  const explicit = config.provider === 'github';
  const fail = (key: string, message: string) => {
    throw new Error(`Invalid gitops configuration: ${key}: ${message}`);
  };
  const source = config.repositoryUrl
    ? `${KEY}.repositoryUrl`
    : 'gitops.repository.url';
  const github = parseGithubRepository(
    config.repositoryUrl ?? options.repositoryUrl,
  );
  if (!github) {
    if (!explicit) return branch();
    return fail(
      source,
      `must name a GitHub repository (https://<host>/<owner>/<repo>) for ${KEY}.provider github`,
    );
  }
  const integration = options.integrations.github.byHost(github.host);
  const credentials =
    !!integration?.config.token || !!integration?.config.apps?.length;
  if (!credentials) {
    if (!explicit) return branch();
    return fail(
      `${KEY}.provider`,
      `github needs a token or an app in integrations.github for ${github.host}`,
    );
  }
  const provider = GithubPullRequestProvider.fromIntegrations({
    repo: options.repo,
    github,
    integrations: options.integrations,
    credentials: options.githubCredentials,
    mergeMethod: config.mergeMethod,
    logger: options.logger,
  });
  return { provider, description: provider.description };
}
