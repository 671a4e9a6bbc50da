import type {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { GitAuth } from './gitCli';

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/**
 * The git CLI's credentials for `url` from Backstage's `integrations` config, the way the
 * scaffolder authenticates its pushes: GitHub `x-access-token:<token>` (a personal token or a
 * GitHub App installation token, asked for before each git command since those expire),
 * GitLab `oauth2:<token>`, Bitbucket Server a bearer token or username + password, Bitbucket
 * Cloud `x-token-auth:<token>` or username + app password, Gitea username + password.
 *
 * Undefined for ssh and file:// remotes and for hosts without an integration that has
 * credentials: git's own setup (ssh keys, credential helpers) applies then.
 */
export function gitAuthFromIntegrations(options: {
  url: string;
  integrations: ScmIntegrationRegistry;
  githubCredentials: GithubCredentialsProvider;
}): GitAuth | undefined {
  const { url, integrations } = options;
  if (!/^https?:\/\//i.test(url)) return undefined;
  const header = (value: string | undefined) =>
    value ? { headers: async () => ({ Authorization: value }) } : undefined;

  const github = integrations.github.byUrl(url);
  if (github) {
    if (!github.config.token && !github.config.apps?.length) return undefined;
    return {
      headers: async () => {
        const { token } = await options.githubCredentials.getCredentials({
          url,
        });
        return token
          ? { Authorization: basic('x-access-token', token) }
          : ({} as Record<string, string>);
      },
    };
  }
  const gitlab = integrations.gitlab.byUrl(url)?.config;
  if (gitlab) {
    return header(gitlab.token && basic('oauth2', gitlab.token));
  }
  const server = integrations.bitbucketServer.byUrl(url)?.config;
  if (server) {
    if (server.token) return header(`Bearer ${server.token}`);
    return header(
      server.username && server.password
        ? basic(server.username, server.password)
        : undefined,
    );
  }
  const cloud = integrations.bitbucketCloud.byUrl(url)?.config;
  if (cloud) {
    if (cloud.token) return header(basic('x-token-auth', cloud.token));
    return header(
      cloud.username && cloud.appPassword
        ? basic(cloud.username, cloud.appPassword)
        : undefined,
    );
  }
  const gitea = integrations.gitea.byUrl(url)?.config;
  if (gitea?.username && gitea.password) {
    return header(basic(gitea.username, gitea.password));
  }
  return undefined;
}
