import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import type {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';
import { sanitize } from '../util/errors';
import type { GitAuthor, GitRepository } from './GitRepository';
import type { GithubRepository } from './githubRepository';
import type { PullRequest, PullRequestProvider } from './PullRequestProvider';

/** An authenticated client and the token in it (to keep it out of error messages). */
export type GithubClient = { octokit: Octokit; token?: string };

export type GithubMergeMethod = 'merge' | 'squash' | 'rebase';

export type GithubPullRequestProviderOptions = {
  /** The gitops repository: the service pushes the branch there; merge/close delete it. */
  repo: GitRepository;
  github: GithubRepository;
  /** A client per operation, so a GitHub App's installation token is always fresh. */
  client: () => Promise<GithubClient>;
  mergeMethod?: GithubMergeMethod;
  logger?: LoggerService;
  /** Wait between merge attempts while GitHub recomputes mergeability (default 1 s). */
  mergeRetryDelayMs?: number;
};

type PullRef = Pick<PullRequest, 'url' | 'branch' | 'base'>;

type RequestErrorLike = {
  status?: number;
  message?: string;
  response?: { data?: { message?: string; errors?: unknown[] } };
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Per operation (a few API calls): GitHub answering slower than this counts as down. */
const OPERATION_TIMEOUT_MS = 30_000;

/**
 * Pull requests on GitHub or GitHub Enterprise through its REST API (`@octokit/rest`),
 * authenticated by Backstage's `integrations.github` (token or GitHub App). `open` creates the
 * PR of the already pushed branch, or returns the open one of that branch on a retry; `merge`
 * merges it through the API (so branch protection and required checks apply) and is a no-op
 * for a PR already merged; `close` closes it. Both delete the branch afterwards.
 */
export class GithubPullRequestProvider implements PullRequestProvider {
  readonly provider = 'github';

  /** Authenticates with the `integrations.github` entry of the repository's host. */
  static fromIntegrations(options: {
    repo: GitRepository;
    github: GithubRepository;
    integrations: ScmIntegrationRegistry;
    credentials: GithubCredentialsProvider;
    mergeMethod?: GithubMergeMethod;
    logger?: LoggerService;
    mergeRetryDelayMs?: number;
  }): GithubPullRequestProvider {
    const { github } = options;
    const integration = options.integrations.github.byHost(github.host);
    if (!integration) {
      throw new Error(`no integrations.github entry for ${github.host}`);
    }
    const url = `https://${github.host}/${github.owner}/${github.name}`;
    return new GithubPullRequestProvider({
      ...options,
      client: async () => {
        const { token } = await options.credentials.getCredentials({ url });
        const safe = (text: string) => sanitize(text, token ? [token] : []);
        const octokit = new Octokit({
          auth: token,
          baseUrl: integration.config.apiBaseUrl,
          request: { signal: AbortSignal.timeout(OPERATION_TIMEOUT_MS) },
          log: {
            debug: () => {},
            info: () => {},
            warn: m => options.logger?.warn(safe(`gitops: octokit: ${m}`)),
            error: m => options.logger?.error(safe(`gitops: octokit: ${m}`)),
          },
        });
        return { octokit, token };
      },
    });
  }

  private readonly owner: string;
  private readonly name: string;

  constructor(private readonly options: GithubPullRequestProviderOptions) {
    this.owner = options.github.owner;
    this.name = options.github.name;
  }

  private get slug() {
    return `${this.owner}/${this.name}`;
  }

  get description() {
    return `GitHub pull requests in ${this.slug} on ${this.options.github.host}`;
  }

  /** Runs `fn` with a client; GitHub's failures become errors safe to show and store. */
  private async call<T>(
    what: string,
    fn: (octokit: Octokit) => Promise<T>,
  ): Promise<T> {
    let client: GithubClient | undefined;
    try {
      client = await this.options.client();
      return await fn(client.octokit);
    } catch (error) {
      const secrets = client?.token ? [client.token] : [];
      if (error instanceof ConflictError) {
        throw new ConflictError(sanitize(error.message, secrets));
      }
      const e = error as RequestErrorLike;
      const text = sanitize(
        String(e.response?.data?.message ?? e.message ?? error).slice(0, 300),
        secrets,
      );
      const message = `GitHub: ${what} in ${this.slug} failed${
        e.status ? ` (${e.status})` : ''
      }: ${text}`;
      if (e.status === 401 || e.status === 403) {
        throw new Error(
          `${message}; check the token or app of integrations.github for ${this.options.github.host}`,
        );
      }
      if (!e.status || e.status >= 500) {
        throw new ServiceUnavailableError(message);
      }
      throw new Error(message);
    }
  }

  private toPullRequest(
    data: { html_url: string; number: number; base: { ref: string } },
    branch: string,
  ): PullRequest {
    return {
      url: data.html_url,
      number: data.number,
      branch,
      base: data.base.ref,
      state: 'open',
    };
  }

  private async findOpen(octokit: Octokit, branch: string, base?: string) {
    const { data } = await octokit.rest.pulls.list({
      owner: this.owner,
      repo: this.name,
      head: `${this.owner}:${branch}`,
      base,
      state: 'open',
    });
    return data[0];
  }

  /** The number of a recorded PR: from its URL, else the open PR of its branch. */
  private async numberOf(octokit: Octokit, pullRequest: PullRef) {
    const match = /\/pull\/(\d+)$/.exec(pullRequest.url);
    if (match && pullRequest.url.includes(`/${this.slug}/pull/`)) {
      return Number(match[1]);
    }
    const open = await this.findOpen(octokit, pullRequest.branch);
    if (!open) {
      throw new ConflictError(
        `no open pull request of ${pullRequest.branch} in ${this.slug}; close this promotion and promote again`,
      );
    }
    return open.number;
  }

  async open(options: {
    branch: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest> {
    const { branch, base } = options;
    return this.call('opening a pull request', async octokit => {
      try {
        const { data } = await octokit.rest.pulls.create({
          owner: this.owner,
          repo: this.name,
          head: branch,
          base,
          title: options.title,
          body: options.body,
        });
        return this.toPullRequest(data, branch);
      } catch (error) {
        // A retry after the PR was created (e.g. the answer was lost): reuse it.
        if (!alreadyExists(error)) throw error;
        const existing = await this.findOpen(octokit, branch, base);
        if (!existing) throw error;
        this.options.logger?.info(
          `gitops: pull request #${existing.number} of ${branch} in ${this.slug} is already open; reusing it`,
        );
        return this.toPullRequest(existing, branch);
      }
    });
  }

  async merge(options: {
    pullRequest: PullRef;
    author: GitAuthor;
    message: string;
  }): Promise<{ sha: string; fastForward: boolean }> {
    const [title, ...rest] = options.message.trim().split('\n');
    const attempts = 3;
    const sha = await this.call('merging the pull request', async octokit => {
      const pull_number = await this.numberOf(octokit, options.pullRequest);
      const ref = `pull request #${pull_number} of ${this.slug}`;
      for (let attempt = 1; ; attempt++) {
        const { data: pr } = await octokit.rest.pulls.get({
          owner: this.owner,
          repo: this.name,
          pull_number,
        });
        // Merged already (on GitHub, or by an earlier attempt whose answer was lost).
        if (pr.merged && pr.merge_commit_sha) return pr.merge_commit_sha;
        if (pr.state === 'closed') {
          throw new ConflictError(
            `${ref} was closed on GitHub; close this promotion and promote again`,
          );
        }
        if (pr.mergeable === false) {
          throw new ConflictError(`${ref} conflicts with ${pr.base.ref}`);
        }
        try {
          const { data } = await octokit.rest.pulls.merge({
            owner: this.owner,
            repo: this.name,
            pull_number,
            merge_method: this.options.mergeMethod ?? 'merge',
            commit_title: title,
            commit_message: rest.join('\n').trim(),
          });
          return data.sha;
        } catch (error) {
          // 405 "not mergeable" while GitHub recomputes after a push, 409 head moved: retry.
          // Other 405s (branch protection, merge method not allowed) are the answer.
          const status = (error as RequestErrorLike).status;
          const text = errorText(error);
          const transient =
            status === 409 || (status === 405 && /not mergeable/i.test(text));
          if (!transient) throw error;
          if (attempt >= attempts) {
            throw new ConflictError(
              `${ref} could not be merged: ${text.slice(0, 200)}`,
            );
          }
        }
        await sleep((this.options.mergeRetryDelayMs ?? 1000) * attempt);
      }
    });
    await this.options.repo.deleteBranch(options.pullRequest.branch);
    return { sha, fastForward: false };
  }

  async close(options: { pullRequest: PullRef }): Promise<void> {
    await this.call('closing the pull request', async octokit => {
      const pull_number = await this.numberOf(octokit, options.pullRequest);
      await octokit.rest.pulls.update({
        owner: this.owner,
        repo: this.name,
        pull_number,
        state: 'closed',
      });
    }).catch(error => {
      // Closed or deleted on GitHub already: the branch still goes.
      if (!(error instanceof ConflictError)) throw error;
    });
    await this.options.repo.deleteBranch(options.pullRequest.branch);
  }
}

function errorText(error: unknown): string {
  const e = error as RequestErrorLike;
  const details = (e.response?.data?.errors ?? []).map(x =>
    typeof x === 'string' ? x : (x as { message?: string })?.message ?? '',
  );
  return [e.response?.data?.message ?? e.message ?? '', ...details].join(' ');
}

/** GitHub's 422 for a second PR of the same head and base. */
function alreadyExists(error: unknown): boolean {
  const e = error as RequestErrorLike;
  return (
    e.status === 422 && /pull request already exists/i.test(errorText(error))
  );
}
