import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { setupServer } from 'msw/node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { capturingLogger } from '../__testUtils__/fleetBackend';
import { githubMock } from './__testUtils__/githubMock';
import { git, pushEdit, tempDir } from './__testUtils__/promotionTestUtils';
import { CliGitRepository } from './CliGitRepository';
import { GithubPullRequestProvider } from './GithubPullRequestProvider';

jest.setTimeout(60_000);

const TOKEN = 'ghp_SECRETtoken0123456789abcdef';
const author = { name: 'Bob', email: 'bob@example.com' };
const BRANCH = 'promote/payments-api-prod-1.4.0';

describe('GithubPullRequestProvider', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  let dir: string;
  let bare: string;
  let repo: CliGitRepository;
  let mock: ReturnType<typeof githubMock>;
  let logs: string[];
  let provider: GithubPullRequestProvider;

  beforeAll(async () => {
    dir = await tempDir('github');
    bare = path.join(dir, 'origin.git');
    await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    await pushEdit(`file://${bare}`, 'seed', async work => {
      await fs.writeFile(path.join(work, 'version.txt'), '1.3.0\n');
    });
    repo = new CliGitRepository({
      url: `file://${bare}`,
      workDir: path.join(dir, 'work'),
    });
  });
  afterAll(async () => {
    repo.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    mock = githubMock({ owner: 'acme', repo: 'gitops' });
    server.use(...mock.handlers);
    logs = [];
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: { github: [{ host: 'github.com', token: TOKEN }] },
      }),
    );
    provider = GithubPullRequestProvider.fromIntegrations({
      repo,
      github: { host: 'github.com', owner: 'acme', name: 'gitops' },
      integrations,
      credentials:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      logger: capturingLogger(logs),
      mergeRetryDelayMs: 1,
    });
    // The service pushes the branch before opening the pull request.
    await repo.commit({
      branch: BRANCH,
      createFrom: 'main',
      replaceBranch: true,
      author,
      change: async () => ({
        files: { 'version.txt': '1.4.0\n' },
        message: 'Promote payments-api 1.4.0 to prod',
      }),
    });
  });

  const open = () =>
    provider.open({
      branch: BRANCH,
      base: 'main',
      title: 'Promote payments-api 1.4.0 (staging → prod)',
      body: 'Promotes **payments-api** …',
    });

  it('creates the pull request of the branch against the base, with the integration token', async () => {
    const pr = await open();
    expect(pr).toEqual({
      url: 'https://github.com/acme/gitops/pull/1',
      number: 1,
      branch: BRANCH,
      base: 'main',
      state: 'open',
    });
    const [create] = mock.calls('POST', /\/repos\/acme\/gitops\/pulls$/);
    expect(create.body).toEqual({
      head: BRANCH,
      base: 'main',
      title: 'Promote payments-api 1.4.0 (staging → prod)',
      body: 'Promotes **payments-api** …',
    });
    expect(create.authorization).toBe(`token ${TOKEN}`);
  });

  it('returns the open pull request of the branch on a retry, without creating a second one', async () => {
    const first = await open();
    const again = await open();
    expect(again).toEqual(first);
    expect(mock.pulls).toHaveLength(1);
    expect(mock.calls('POST', /\/pulls$/)).toHaveLength(2);
    const [list] = mock.calls('GET', /\/pulls\?/);
    expect(new URL(`https://x${list.path}`).searchParams.get('head')).toBe(
      `acme:${BRANCH}`,
    );
    expect(logs.join('\n')).toContain('already open; reusing it');
  });

  it('merges through the API, deletes the branch, and a retry finds it merged', async () => {
    const pr = await open();
    const merged = await provider.merge({
      pullRequest: pr,
      author,
      message: `Merge ${BRANCH}: promotion\n\nApproved by user:default/bob.\n`,
    });
    expect(merged).toEqual({
      sha: mock.pulls[0].merge_commit_sha,
      fastForward: false,
    });
    const [put] = mock.calls('PUT', /\/pulls\/1\/merge$/);
    expect(put.body).toEqual({
      merge_method: 'merge',
      commit_title: `Merge ${BRANCH}: promotion`,
      commit_message: 'Approved by user:default/bob.',
    });
    expect((await git(bare, 'branch', '--list', BRANCH)).trim()).toBe('');

    const again = await provider.merge({
      pullRequest: pr,
      author,
      message: 'x',
    });
    expect(again.sha).toBe(merged.sha);
    expect(mock.calls('PUT', /merge$/)).toHaveLength(1);
  });

  it('retries while GitHub recomputes mergeability, and reports a real conflict as a ConflictError', async () => {
    const pr = await open();
    mock.failNext('PUT', 405, { message: 'Pull Request is not mergeable' });
    await expect(
      provider.merge({ pullRequest: pr, author, message: 'Merge' }),
    ).resolves.toMatchObject({ fastForward: false });
    expect(mock.calls('PUT', /merge$/)).toHaveLength(2);

    await repo.commit({
      branch: 'promote/other',
      createFrom: 'main',
      author,
      change: async () => ({ files: { 'b.txt': 'b\n' }, message: 'b' }),
    });
    const other = await provider.open({
      branch: 'promote/other',
      base: 'main',
      title: 't',
      body: 'b',
    });
    mock.pulls[1].mergeable = false;
    await expect(
      provider.merge({ pullRequest: other, author, message: 'Merge' }),
    ).rejects.toThrow(
      new ConflictError('pull request #2 of acme/gitops conflicts with main'),
    );
  });

  it('closes the pull request and deletes the branch', async () => {
    const pr = await open();
    await provider.close({ pullRequest: pr });
    expect(mock.pulls[0].state).toBe('closed');
    expect(mock.calls('PATCH', /\/pulls\/1$/)[0].body).toEqual({
      state: 'closed',
    });
    expect((await git(bare, 'branch', '--list', BRANCH)).trim()).toBe('');
  });

  it('keeps the token out of errors and log lines, even when GitHub echoes it', async () => {
    mock.failNext('POST', 401, {
      message: `Bad credentials: token ${TOKEN}`,
    });
    const error = await open().catch(e => e);
    expect(error.message).toMatch(
      /^GitHub: opening a pull request in acme\/gitops failed \(401\): Bad credentials: .*integrations\.github for github\.com$/,
    );
    expect(`${error.message} ${error.stack}`).not.toContain(TOKEN);

    mock.failNext('POST', 503, { message: 'Unavailable' });
    await expect(open()).rejects.toThrow(ServiceUnavailableError);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
