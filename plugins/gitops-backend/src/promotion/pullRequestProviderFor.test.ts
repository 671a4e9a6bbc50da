import { ConfigReader } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { parseGitopsConfig, promotionSetup } from '../config';
import type { GitRepository } from './GitRepository';
import { GithubPullRequestProvider } from './GithubPullRequestProvider';
import { BranchPullRequestProvider } from './PullRequestProvider';
import {
  pullRequestProviderFor,
  type PullRequestsConfig,
} from './pullRequestProviderFor';

const repo = { displayName: 'x', defaultBranch: 'main' } as GitRepository;

function choose(
  repositoryUrl: string,
  config?: PullRequestsConfig,
  github: object[] = [{ host: 'github.com', token: 'ghp_x' }],
) {
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({ integrations: { github } }),
  );
  return pullRequestProviderFor({
    config,
    repositoryUrl,
    repo,
    integrations,
    githubCredentials:
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
  });
}

describe('pullRequestProviderFor', () => {
  it('uses GitHub by default for a repository on a GitHub integration with credentials', () => {
    const chosen = choose('https://github.com/acme/gitops.git');
    expect(chosen.provider).toBeInstanceOf(GithubPullRequestProvider);
    expect(chosen.description).toBe(
      'GitHub pull requests in acme/gitops on github.com',
    );
    expect(
      choose('git@ghe.example.com:acme/gitops.git', undefined, [
        {
          host: 'ghe.example.com',
          apiBaseUrl: 'https://ghe.example.com/api/v3',
          token: 'ghp_x',
        },
      ]).provider,
    ).toBeInstanceOf(GithubPullRequestProvider);
  });

  it('falls back to branches for other remotes, GitHub without credentials, or when configured', () => {
    const branch = (...args: Parameters<typeof choose>) =>
      choose(...args).provider;
    expect(branch('file:///srv/gitops.git')).toBeInstanceOf(
      BranchPullRequestProvider,
    );
    expect(branch('https://git.example.com/acme/gitops.git')).toBeInstanceOf(
      BranchPullRequestProvider,
    );
    expect(
      branch('https://github.com/acme/gitops.git', undefined, []),
    ).toBeInstanceOf(BranchPullRequestProvider);
    expect(
      branch('https://github.com/acme/gitops.git', { provider: 'branch' }),
    ).toBeInstanceOf(BranchPullRequestProvider);
  });

  it('takes the GitHub repository from pullRequests.repositoryUrl when the remote does not name it', () => {
    expect(
      choose('file:///srv/gitops.git', {
        repositoryUrl: 'https://github.com/acme/gitops',
      }).description,
    ).toBe('GitHub pull requests in acme/gitops on github.com');
  });

  it('refuses provider github that cannot work, naming the key', () => {
    expect(() =>
      choose('file:///srv/gitops.git', { provider: 'github' }),
    ).toThrow(
      'Invalid gitops configuration: gitops.repository.url: must name a GitHub repository',
    );
    expect(() =>
      choose('file:///srv/gitops.git', {
        provider: 'github',
        repositoryUrl: 'https://github.com/acme',
      }),
    ).toThrow('gitops.promotion.pullRequests.repositoryUrl: must name');
    expect(() =>
      choose('https://github.com/acme/gitops.git', { provider: 'github' }, []),
    ).toThrow(
      'Invalid gitops configuration: gitops.promotion.pullRequests.provider: github needs a token or an app in integrations.github for github.com',
    );
  });

  it('reads gitops.promotion.pullRequests, naming the key of a bad value', () => {
    expect(
      promotionSetup(
        parseGitopsConfig({
          repository: { url: 'file:///tmp/gitops.git' },
          promotion: {
            pullRequests: {
              provider: 'github',
              repositoryUrl: 'https://github.com/acme/gitops',
              mergeMethod: 'squash',
            },
          },
        }),
      )?.pullRequests,
    ).toEqual({
      provider: 'github',
      repositoryUrl: 'https://github.com/acme/gitops',
      mergeMethod: 'squash',
    });
    expect(() =>
      parseGitopsConfig({
        promotion: { pullRequests: { provider: 'gitlab' } },
      }),
    ).toThrow(
      /^Invalid gitops configuration: gitops\.promotion\.pullRequests\.provider: /,
    );
    expect(() =>
      parseGitopsConfig({
        promotion: { pullRequests: { repositoryUrl: 'git@github.com:a/b' } },
      }),
    ).toThrow(
      'gitops.promotion.pullRequests.repositoryUrl: must be an http(s) URL',
    );
  });
});
