import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { git } from '../lib/git';
import { createRepoCloneAction } from './repoClone';
import { createRepoPushAction } from './repoPush';

const author = { name: 'Test', email: 'test@example.com' };

/** A bare repo with one commit on main, like a gitops repository. */
async function bareRepo(): Promise<{ url: string; root: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-repo-'));
  const bare = path.join(root, 'gitops.git');
  const seed = path.join(root, 'seed');
  await git(['init', '-q', '--bare', '-b', 'main', bare]);
  await git(['clone', '-q', bare, seed]);
  await fs.writeFile(path.join(seed, 'README.md'), 'gitops\n');
  await git(['add', '-A'], { cwd: seed });
  await git(['commit', '-q', '-m', 'seed'], { cwd: seed, author });
  await git(['push', '-q', 'origin', 'HEAD:main'], { cwd: seed });
  return { url: `file://${bare}`, root };
}

/** Another person's change pushed to main meanwhile. */
async function pushElsewhere(url: string, file: string, content: string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-other-'));
  await git(['clone', '-q', url, dir]);
  await fs.writeFile(path.join(dir, file), content);
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', `other: ${file}`], { cwd: dir, author });
  await git(['push', '-q', 'origin', 'HEAD:main'], { cwd: dir });
}

const log = (url: string, root: string) =>
  git(['--git-dir', url.replace('file://', ''), 'log', '--format=%s', 'main'], {
    cwd: root,
  });

describe('gitops:repo:clone and gitops:repo:push', () => {
  let repo: { url: string; root: string };
  let workspacePath: string;

  beforeEach(async () => {
    repo = await bareRepo();
    workspacePath = await fs.mkdtemp(path.join(os.tmpdir(), 'workspace-'));
  });
  afterEach(async () => {
    await fs.rm(repo.root, { recursive: true, force: true });
    await fs.rm(workspacePath, { recursive: true, force: true });
  });

  const defaults = () => ({
    url: repo.url,
    branch: 'main',
    fileUrlTemplate: 'http://git.test/raw/{branch}/{path}',
  });
  // The mock context does not take isDryRun, so it is set on the context it returns.
  const context = (input: Record<string, unknown>, isDryRun = false) => ({
    ...createMockActionContext({ input: input as any, workspacePath }),
    isDryRun,
  });
  const clone = async (
    input: Record<string, unknown> = {},
    isDryRun = false,
  ) => {
    const ctx = context(input, isDryRun);
    await createRepoCloneAction(defaults()).handler(ctx as any);
    return ctx;
  };
  const push = async (input: Record<string, unknown>, isDryRun = false) => {
    const ctx = context({ commitMessage: 'Add ledger', ...input }, isDryRun);
    await createRepoPushAction(defaults()).handler(ctx as any);
    return ctx;
  };

  it('checks out the configured repository, and a retry reuses the checkout at the tip', async () => {
    const first = await clone();
    expect(first.output).toHaveBeenCalledWith('repoUrl', repo.url);
    const readme = path.join(workspacePath, 'gitops/README.md');
    expect(await fs.readFile(readme, 'utf8')).toBe('gitops\n');

    await fs.writeFile(readme, 'local edit\n');
    await pushElsewhere(repo.url, 'other.txt', 'x\n');
    await clone();
    expect(await fs.readFile(readme, 'utf8')).toBe('gitops\n');
    expect(
      await fs.readFile(path.join(workspacePath, 'gitops/other.txt'), 'utf8'),
    ).toBe('x\n');
  });

  it('commits and pushes the changes, then a retry pushes nothing', async () => {
    await clone();
    await fs.mkdir(path.join(workspacePath, 'gitops/catalog/ledger'), {
      recursive: true,
    });
    await fs.writeFile(
      path.join(workspacePath, 'gitops/catalog/ledger/catalog-info.yaml'),
      'kind: Component\n',
    );
    const first = await push({
      fileUrlPaths: ['catalog/ledger/catalog-info.yaml'],
    });
    expect(first.output).toHaveBeenCalledWith('pushed', true);
    expect(first.output).toHaveBeenCalledWith('fileUrls', [
      'http://git.test/raw/main/catalog/ledger/catalog-info.yaml',
    ]);
    expect(await log(repo.url, repo.root)).toBe('Add ledger\nseed\n');

    const again = await push({});
    expect(again.output).toHaveBeenCalledWith('pushed', false);
    expect(await log(repo.url, repo.root)).toBe('Add ledger\nseed\n');
  });

  it('rebases onto a change pushed meanwhile, losing neither', async () => {
    await clone();
    await fs.writeFile(path.join(workspacePath, 'gitops/mine.txt'), 'mine\n');
    await pushElsewhere(repo.url, 'theirs.txt', 'theirs\n');
    const ctx = await push({});
    expect(ctx.output).toHaveBeenCalledWith('pushed', true);
    expect(await log(repo.url, repo.root)).toBe(
      'Add ledger\nother: theirs.txt\nseed\n',
    );
  });

  it('fails on a real conflict with git’s reason, keeping the other change', async () => {
    await clone();
    await fs.writeFile(path.join(workspacePath, 'gitops/README.md'), 'mine\n');
    await pushElsewhere(repo.url, 'README.md', 'theirs\n');
    await expect(push({})).rejects.toThrow(/git pull: .*conflict/is);
    expect(await log(repo.url, repo.root)).toBe('other: README.md\nseed\n');
  });

  it('writes and pushes nothing in a dry run', async () => {
    await clone({}, true);
    await expect(fs.stat(path.join(workspacePath, 'gitops'))).rejects.toThrow();
    await clone();
    await fs.writeFile(path.join(workspacePath, 'gitops/x.txt'), 'x\n');
    const ctx = await push({}, true);
    expect(ctx.output).toHaveBeenCalledWith('pushed', false);
    expect(await log(repo.url, repo.root)).toBe('seed\n');
  });

  it('names the field when no repository is known', async () => {
    await expect(
      createRepoCloneAction({ branch: 'main' }).handler(context({}) as any),
    ).rejects.toThrow(/^repoUrl: no repository given/);
  });

  it('masks credentials in git errors', async () => {
    const ctx = context({
      repoUrl: 'https://user:s3cr3t-token@127.0.0.1:1/nope.git',
    });
    const error = await createRepoCloneAction({ branch: 'main' })
      .handler(ctx as any)
      .catch(e => e as Error);
    expect(String(error)).toMatch(/git clone: .*127\.0\.0\.1/);
    expect(String(error)).not.toContain('s3cr3t-token');
    const logged = JSON.stringify(
      (ctx.logger.info as jest.Mock).mock?.calls ?? [],
    );
    expect(logged).not.toContain('s3cr3t-token');
  });
});
