import { ConflictError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { safeUrl, sanitize } from '../util/errors';
import { CatFileBatch } from './catFileBatch';
import type {
  ChangeFn,
  CommitResult,
  GitAuthor,
  GitRepository,
  GitTree,
} from './GitRepository';

/**
 * Credentials for the remote (`gitAuthFromIntegrations` fills them from Backstage's
 * `integrations` config). Their values never reach a log line or an error message.
 */
export type GitAuth = {
  /** Extra HTTP headers (e.g. `Authorization: Basic ...`), passed to git through env config. */
  headers?: () => Promise<Record<string, string>>;
  /** Rewrites the remote URL before each fetch/push (e.g. to add a token). */
  rewriteUrl?: (url: string) => Promise<string>;
};

export type CliGitRepositoryOptions = {
  /** Remote URL: file://, https://, ssh. */
  url: string;
  branch?: string;
  /** A directory this instance owns; the local (bare) clone goes there. */
  workDir: string;
  auth?: GitAuth;
  logger?: LoggerService;
  /** Committer of every commit (the author is the user); default: the author. */
  committer?: GitAuthor;
  /** Commit dates come from here (so tests with a simulated clock get matching dates). */
  clock?: { now(): Date };
  /** Per git command (default 60 s). */
  timeoutMs?: number;
  gitBinary?: string;
};

type RunResult = { code: number; stdout: string; stderr: string };

class GitCommandError extends Error {
  constructor(message: string, readonly result: RunResult) {
    super(message);
    this.name = 'GitCommandError';
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const REJECTED =
  /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|stale info|incorrect old value|failed to lock|remote rejected/i;

/**
 * The git CLI over a bare local clone. Files are read with one long-running `cat-file --batch`, commits are
 * built with `fast-import` on top of the fetched tip, so no working tree or index is shared, and pushes never force: a rejected push re-fetches and re-applies the change.
 * Operations of one instance run one at a time (one local clone); replicas each have their own.
 */
export class CliGitRepository implements GitRepository {
  readonly displayName: string;
  readonly defaultBranch: string;
  private readonly gitDir: string;
  private initialised?: Promise<void>;
  private chain: Promise<unknown> = Promise.resolve();
  /** Rewritten remote URLs (shown as `displayName`). */
  private readonly secrets = new Set<string>();
  /** Header values and the credentials in them (shown as `***`). */
  private readonly credentials = new Set<string>();
  private readonly blobCache = new Map<string, string | null>();
  private readonly batch: CatFileBatch;

  constructor(private readonly options: CliGitRepositoryOptions) {
    this.defaultBranch = options.branch ?? 'main';
    this.gitDir = path.join(options.workDir, 'repo.git');
    this.batch = new CatFileBatch(this.gitDir, options.gitBinary);
    this.displayName = options.url.startsWith('file:')
      ? options.url
      : safeUrl(options.url);
  }

  /** Stops the helper process; call on shutdown. */
  close() {
    this.batch.close();
  }

  // --- process --------------------------------------------------------------------------

  private async authEnv(): Promise<Record<string, string>> {
    const headers = (await this.options.auth?.headers?.()) ?? {};
    const env: Record<string, string> = {};
    const entries = Object.entries(headers);
    entries.forEach(([name, value], i) => {
      this.rememberHeader(value);
      env[`GIT_CONFIG_KEY_${i}`] = 'http.extraHeader';
      env[`GIT_CONFIG_VALUE_${i}`] = `${name}: ${value}`;
    });
    if (entries.length) env.GIT_CONFIG_COUNT = String(entries.length);
    return env;
  }

  /**
   * Redacts a header value and the credential inside it (the token of `Basic
   * base64(user:token)` or `Bearer token`), should a server echo either back.
   */
  private rememberHeader(value: string) {
    // App tokens rotate hourly; old ones cannot show up any more.
    if (this.credentials.size > 200) this.credentials.clear();
    this.credentials.add(value);
    const [scheme, credential] = value.split(/\s+/, 2);
    if (!credential) return;
    this.credentials.add(credential);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      this.credentials.add(decoded);
      this.credentials.add(decoded.slice(decoded.indexOf(':') + 1));
    }
  }

  private async remoteUrl(): Promise<string> {
    const rewritten =
      (await this.options.auth?.rewriteUrl?.(this.options.url)) ??
      this.options.url;
    if (rewritten !== this.options.url) this.secrets.add(rewritten);
    return rewritten;
  }

  private clean(text: string) {
    let out = text;
    for (const secret of this.secrets) {
      if (secret) out = out.split(secret).join(this.displayName);
    }
    return sanitize(out, this.credentials);
  }

  private run(
    args: string[],
    opts: {
      input?: string;
      env?: Record<string, string>;
      allowFail?: boolean;
      author?: GitAuthor;
    } = {},
  ): Promise<RunResult> {
    const author = opts.author ?? this.options.committer;
    const configArgs = author
      ? ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`]
      : [];
    const fullArgs = [...configArgs, '--git-dir', this.gitDir, ...args];
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.gitBinary ?? 'git', fullArgs, {
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_ASKPASS: 'echo',
          LC_ALL: 'C',
          ...opts.env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(
        () => child.kill('SIGKILL'),
        this.options.timeoutMs ?? 60_000,
      );
      child.stdout.on('data', d => out.push(d));
      child.stderr.on('data', d => err.push(d));
      child.on('error', e => {
        clearTimeout(timer);
        reject(new Error(`git could not be started: ${e.message}`));
      });
      child.on('close', code => {
        clearTimeout(timer);
        const result = {
          code: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        if (result.code !== 0 && !opts.allowFail) {
          // Only the subcommand, never a URL or a header, goes into the message.
          const sub = args.find(a => !a.startsWith('-')) ?? 'git';
          reject(
            new GitCommandError(
              `git ${sub} failed: ${this.clean(result.stderr.trim())}`,
              { ...result, stderr: this.clean(result.stderr) },
            ),
          );
        } else resolve(result);
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Runs `fn` after every earlier operation of this instance has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => this.init()).then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private init(): Promise<void> {
    this.initialised ??= (async () => {
      await fs.mkdir(this.options.workDir, { recursive: true });
      const exists = await fs
        .stat(path.join(this.gitDir, 'HEAD'))
        .then(() => true)
        .catch(() => false);
      if (!exists) {
        await fs.mkdir(this.gitDir, { recursive: true });
        await this.run(['init', '--quiet', '--bare']);
      }
    })().catch(e => {
      this.initialised = undefined;
      throw e;
    });
    return this.initialised;
  }

  private async fetchNow() {
    const url = await this.remoteUrl();
    const env = await this.authEnv();
    await this.run(
      [
        'fetch',
        '--quiet',
        '--prune',
        '--no-tags',
        url,
        '+refs/heads/*:refs/remotes/origin/*',
      ],
      { env },
    );
  }

  private async remoteSha(branch: string): Promise<string | undefined> {
    const object = await this.batch.read(`refs/remotes/origin/${branch}`);
    return object?.type === 'commit' ? object.oid : undefined;
  }

  private async readAt(sha: string, file: string): Promise<string | null> {
    const key = `${sha}:${file}`;
    if (this.blobCache.has(key)) return this.blobCache.get(key)!;
    const object = await this.batch.read(key);
    const content =
      object?.type === 'blob' ? object.content.toString('utf8') : null;
    if (this.blobCache.size > 2000) this.blobCache.clear();
    this.blobCache.set(key, content);
    return content;
  }

  private treeAt(sha: string): GitTree {
    return { sha, readFile: file => this.readAt(sha, normalise(file)) };
  }

  /**
   * Pushes `sha` to `branch`: a fast-forward, or with `lease` a compare-and-swap (`''`: the
   * branch must not exist, a sha: the branch must still be there).
   */
  private async push(sha: string, branch: string, lease?: string) {
    const url = await this.remoteUrl();
    const env = await this.authEnv();
    const args = ['push', '--quiet', '--porcelain'];
    if (lease !== undefined) {
      args.push(`--force-with-lease=refs/heads/${branch}:${lease}`);
    }
    args.push(url, `${sha}:refs/heads/${branch}`);
    const r = await this.run(args, { env, allowFail: true });
    if (r.code === 0) return 'ok' as const;
    const text = `${r.stdout}\n${r.stderr}`;
    if (REJECTED.test(text)) return 'rejected' as const;
    throw new Error(`git push failed: ${this.clean(r.stderr.trim())}`);
  }

  private dates(): Record<string, string> {
    const now = this.options.clock?.now();
    if (!now) return {};
    const date = `${Math.floor(now.getTime() / 1000)} +0000`;
    return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  }

  /** Builds the commit with one `git fast-import` (no index, no working tree). */
  private async writeCommit(
    parent: string,
    files: Record<string, string>,
    message: string,
    author: GitAuthor,
  ): Promise<string> {
    const committer = this.options.committer ?? author;
    const seconds = Math.floor(
      (this.options.clock?.now() ?? new Date()).getTime() / 1000,
    );
    const ident = (who: GitAuthor) =>
      `${who.name.replace(/[<>\n]/g, '')} <${who.email.replace(
        /[<>\n]/g,
        '',
      )}> ${seconds} +0000`;
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const body = message.endsWith('\n') ? message : `${message}\n`;
    const lines = [
      'commit refs/gitops/scratch',
      'mark :1',
      `author ${ident(author)}`,
      `committer ${ident(committer)}`,
      data(body).slice(0, -1),
      `from ${parent}`,
      ...Object.entries(files).map(
        ([file, content]) =>
          `M 100644 inline ${normalise(file)}\n${data(content).slice(0, -1)}`,
      ),
      '',
      'get-mark :1',
      'done',
      '',
    ];
    const r = await this.run(['fast-import', '--quiet', '--force', '--done'], {
      input: lines.join('\n'),
    });
    const sha = r.stdout.trim().split('\n').pop() ?? '';
    if (!/^[0-9a-f]{40,64}$/.test(sha)) {
      throw new Error('git fast-import did not return a commit');
    }
    return sha;
  }

  private async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: GitAuthor,
  ) {
    const committer = this.options.committer ?? author;
    const r = await this.run(
      ['commit-tree', tree, ...parents.flatMap(p => ['-p', p]), '-F', '-'],
      {
        input: message.endsWith('\n') ? message : `${message}\n`,
        author,
        env: {
          GIT_AUTHOR_NAME: author.name,
          GIT_AUTHOR_EMAIL: author.email,
          GIT_COMMITTER_NAME: committer.name,
          GIT_COMMITTER_EMAIL: committer.email,
          ...this.dates(),
        },
      },
    );
    return r.stdout.trim();
  }

  // --- GitRepository ------------------------------------------------------------------------

  tip(branch = this.defaultBranch): Promise<GitTree> {
    return this.exclusive(async () => {
      await this.fetchNow();
      const sha = await this.remoteSha(branch);
      if (!sha) {
        throw new ConflictError(
          `branch ${branch} does not exist in ${this.displayName}`,
        );
      }
      return this.treeAt(sha);
    });
  }

  branchExists(branch: string): Promise<boolean> {
    return this.exclusive(async () => {
      await this.fetchNow();
      return (await this.remoteSha(branch)) !== undefined;
    });
  }

  async commit(options: {
    branch?: string;
    createFrom?: string;
    replaceBranch?: boolean;
    author: GitAuthor;
    change: ChangeFn;
    maxAttempts?: number;
  }): Promise<CommitResult | undefined> {
    const branch = options.branch ?? this.defaultBranch;
    const maxAttempts = options.maxAttempts ?? 8;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const outcome = await this.exclusive(async () => {
        await this.fetchNow();
        const existing = options.createFrom
          ? await this.remoteSha(branch)
          : undefined;
        if (existing && !options.replaceBranch) {
          throw new ConflictError(
            `branch ${branch} already exists in ${this.displayName}`,
          );
        }
        const parent = await this.remoteSha(options.createFrom ?? branch);
        if (!parent) {
          throw new ConflictError(
            `branch ${options.createFrom ?? branch} does not exist in ${
              this.displayName
            }`,
          );
        }
        const change = await options.change(this.treeAt(parent));
        if (!change || Object.keys(change.files).length === 0) {
          return { done: true as const, result: undefined };
        }
        const sha = await this.writeCommit(
          parent,
          change.files,
          change.message,
          options.author,
        );
        const pushed = await this.push(
          sha,
          branch,
          options.createFrom ? existing ?? '' : undefined,
        );
        if (pushed === 'ok') {
          return {
            done: true as const,
            result: { sha, parentSha: parent, attempts: attempt },
          };
        }
        this.options.logger?.debug(
          `push to ${branch} of ${this.displayName} rejected (attempt ${attempt}); retrying on the new tip`,
        );
        return { done: false as const };
      });
      if (outcome.done) return outcome.result;
      await sleep(Math.min(1000, 20 * 2 ** attempt) * Math.random());
    }
    throw new ConflictError(
      `${branch} of ${this.displayName} kept moving: the change could not be pushed after ${maxAttempts} attempts; try again`,
    );
  }

  async merge(options: {
    source: string;
    target?: string;
    author: GitAuthor;
    message: string;
    maxAttempts?: number;
  }): Promise<CommitResult & { fastForward: boolean }> {
    const target = options.target ?? this.defaultBranch;
    const maxAttempts = options.maxAttempts ?? 8;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const outcome = await this.exclusive(async () => {
        await this.fetchNow();
        const source = await this.remoteSha(options.source);
        const tipSha = await this.remoteSha(target);
        if (!source || !tipSha) {
          throw new ConflictError(
            `branch ${source ? target : options.source} does not exist in ${
              this.displayName
            }`,
          );
        }
        const isAncestor = async (a: string, b: string) =>
          (
            await this.run(['merge-base', '--is-ancestor', a, b], {
              allowFail: true,
            })
          ).code === 0;
        if (await isAncestor(source, tipSha)) {
          // Already in the target.
          return {
            done: true as const,
            result: {
              sha: tipSha,
              parentSha: tipSha,
              attempts: attempt,
              fastForward: true,
            },
          };
        }
        let sha = source;
        let fastForward = true;
        if (!(await isAncestor(tipSha, source))) {
          fastForward = false;
          const merged = await this.run(
            ['merge-tree', '--write-tree', '--name-only', tipSha, source],
            { allowFail: true },
          );
          if (merged.code === 1) {
            const files = merged.stdout
              .split('\n')
              .slice(1)
              .filter(line => line && !line.startsWith('Auto-merging'))
              .filter(line => !/^CONFLICT/.test(line));
            throw new ConflictError(
              `${options.source} conflicts with ${target}${
                files.length ? ` in ${[...new Set(files)].join(', ')}` : ''
              }; it has to be re-created on top of ${target}`,
            );
          }
          if (merged.code !== 0) {
            throw new Error(
              `git merge-tree failed: ${this.clean(merged.stderr.trim())}`,
            );
          }
          const tree = merged.stdout.split('\n')[0].trim();
          sha = await this.commitTree(
            tree,
            [tipSha, source],
            options.message,
            options.author,
          );
        }
        const pushed = await this.push(sha, target);
        if (pushed === 'ok') {
          return {
            done: true as const,
            result: { sha, parentSha: tipSha, attempts: attempt, fastForward },
          };
        }
        return { done: false as const };
      });
      if (outcome.done) return outcome.result;
      await sleep(Math.min(1000, 20 * 2 ** attempt) * Math.random());
    }
    throw new ConflictError(
      `${target} of ${this.displayName} kept moving: the merge could not be pushed after ${maxAttempts} attempts; try again`,
    );
  }

  deleteBranch(branch: string): Promise<void> {
    return this.exclusive(async () => {
      const url = await this.remoteUrl();
      const env = await this.authEnv();
      await this.run(['push', '--quiet', url, `:refs/heads/${branch}`], {
        env,
        allowFail: true,
      });
    });
  }

  log(
    branch = this.defaultBranch,
    limit = 50,
  ): Promise<
    Array<{ sha: string; message: string; author: string; files: string[] }>
  > {
    return this.exclusive(async () => {
      await this.fetchNow();
      const r = await this.run([
        'log',
        '--first-parent',
        '-m',
        '--name-only',
        `-n${limit}`,
        '--format=%x1e%H%x00%an <%ae>%x00%s',
        `refs/remotes/origin/${branch}`,
      ]);
      return r.stdout
        .split('\x1e')
        .filter(Boolean)
        .map(chunk => {
          const [head, ...rest] = chunk.split('\n');
          const [sha, author, message] = head.split('\0');
          return {
            sha,
            author,
            message,
            files: rest.map(l => l.trim()).filter(Boolean),
          };
        });
    });
  }
}

function normalise(file: string): string {
  const name = path.posix.normalize(file).replace(/^\/+/, '');
  // eslint-disable-next-line no-control-regex
  if (name.startsWith('..') || /[\u0000-\u001f\u007f"\\]/.test(name)) {
    throw new Error(
      `not a path inside the repository: ${JSON.stringify(file)}`,
    );
  }
  return name;
}
