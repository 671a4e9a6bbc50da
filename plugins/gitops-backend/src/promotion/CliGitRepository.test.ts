import { ConflictError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { git, pushEdit, tempDir } from './__testUtils__/promotionTestUtils';
import { CliGitRepository } from './CliGitRepository';

jest.setTimeout(60_000);

const author = { name: 'Alice', email: 'alice@example.com' };

describe('CliGitRepository', () => {
  let dir: string;
  let bare: string;
  let url: string;

  beforeAll(async () => {
    dir = await tempDir('git');
    bare = path.join(dir, 'origin.git');
    await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    url = `file://${bare}`;
    await pushEdit(url, 'seed', async work => {
      await fs.writeFile(path.join(work, 'a.txt'), 'a1\n');
      await fs.writeFile(path.join(work, 'b.txt'), 'b1\n');
    });
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const repo = (name: string) =>
    new CliGitRepository({ url, workDir: path.join(dir, name) });

  it('reads files at the tip, null for a missing one', async () => {
    const tree = await repo('r1').tip();
    expect(await tree.readFile('a.txt')).toBe('a1\n');
    expect(await tree.readFile('missing.txt')).toBeNull();
    await expect(repo('r1').tip('nope')).rejects.toThrow(ConflictError);
  });

  it('re-fetches, re-reads and re-applies the change when the branch moved under it', async () => {
    const one = repo('one');
    const other = repo('other');
    let calls = 0;
    const result = await one.commit({
      author,
      change: async tree => {
        calls++;
        if (calls === 1) {
          // Another replica lands a commit between our read and our push.
          await other.commit({
            author,
            change: async () => ({
              files: { 'b.txt': 'b2\n' },
              message: 'other',
            }),
          });
        }
        const a = await tree.readFile('a.txt');
        const b = await tree.readFile('b.txt');
        return {
          files: { 'a.txt': `${a}a2 (saw ${b?.trim()})\n` },
          message: 'mine',
        };
      },
    });
    expect(result?.attempts).toBe(2);
    expect(calls).toBe(2);
    expect(await git(bare, 'show', 'main:a.txt')).toBe('a1\na2 (saw b2)\n');
    expect(await git(bare, 'show', 'main:b.txt')).toBe('b2\n');
    expect(
      (await git(bare, 'log', '--format=%s|%an', '-2', 'main')).trim(),
    ).toBe('mine|Alice\nother|Alice');
    expect((await one.log('main', 3)).map(c => c.files)).toEqual([
      ['a.txt'],
      ['b.txt'],
      ['a.txt', 'b.txt'],
    ]);
  });

  it('creates a branch once, merges it fast-forward or with a merge commit, refuses a conflict', async () => {
    const r = repo('branches');
    await r.commit({
      branch: 'feature',
      createFrom: 'main',
      author,
      change: async () => ({ files: { 'c.txt': 'c\n' }, message: 'feature' }),
    });
    await expect(
      r.commit({
        branch: 'feature',
        createFrom: 'main',
        author,
        change: async () => ({ files: { 'c.txt': 'x\n' }, message: 'again' }),
      }),
    ).rejects.toThrow(/branch feature already exists/);
    const ff = await r.merge({ source: 'feature', author, message: 'merge' });
    expect(ff.fastForward).toBe(true);
    expect(ff.sha).toBe((await git(bare, 'rev-parse', 'feature')).trim());

    await r.commit({
      branch: 'f2',
      createFrom: 'main',
      author,
      change: async () => ({ files: { 'd.txt': 'd\n' }, message: 'f2' }),
    });
    await r.commit({
      author,
      change: async () => ({
        files: { 'e.txt': 'e\n' },
        message: 'main moved',
      }),
    });
    const merged = await r.merge({ source: 'f2', author, message: 'Merge f2' });
    expect(merged.fastForward).toBe(false);
    expect(
      (await git(bare, 'log', '-1', '--format=%p', 'main')).trim().split(' '),
    ).toHaveLength(2);
    expect(await git(bare, 'show', 'main:d.txt')).toBe('d\n');

    await r.commit({
      branch: 'f3',
      createFrom: 'main',
      author,
      change: async () => ({
        files: { 'a.txt': 'conflict A\n' },
        message: 'f3',
      }),
    });
    await r.commit({
      author,
      change: async () => ({
        files: { 'a.txt': 'conflict B\n' },
        message: 'b',
      }),
    });
    await expect(
      r.merge({ source: 'f3', author, message: 'Merge f3' }),
    ).rejects.toThrow(
      /^f3 conflicts with main in a.txt; it has to be re-created on top of main$/,
    );
    await r.deleteBranch('f3');
    expect(await r.branchExists('f3')).toBe(false);
  });

  it('never puts credentials in errors or logs', async () => {
    const lines: string[] = [];
    const log = (message: string, meta?: unknown) =>
      void lines.push(`${message} ${JSON.stringify(meta ?? {})}`);
    const logger = {
      error: log,
      warn: log,
      info: log,
      debug: log,
      child: () => logger,
    } as unknown as LoggerService;
    const secretRepo = new CliGitRepository({
      url: 'https://git.example.invalid/org/gitops.git',
      workDir: path.join(dir, 'secret'),
      logger,
      timeoutMs: 20_000,
      auth: {
        headers: async () => ({ Authorization: 'Bearer s3cr3t-t0ken-value' }),
        rewriteUrl: async u =>
          u.replace('https://', 'https://x-access-token:s3cr3t-pass@'),
      },
    });
    const error: Error = await secretRepo.tip().then(
      () => new Error('expected a failure'),
      e => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^git fetch failed/);
    expect(error.message).not.toContain('s3cr3t');
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });
});
