import { ConflictError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { safeUrl } from '../util/errors';
import { CatFileBatch } from './catFileBatch';
import { GitCli, type GitAuth } from './gitCli';
import {
  commitTree,
  fastImportCommit,
  isAncestor,
  mergeTree,
  normalisePath,
} from './gitCommits';
import type {
  ChangeFn,
  CommitResult,
  GitAuthor,
  GitRepository,
  GitTree,
} from './GitRepository';

export type { GitAuth } from './gitCli';

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

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** What git prints when a push lost a race: the branch moved, retry on the new tip. */
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
  private readonly git: GitCli;
  private initialised?: Promise<void>;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly blobCache = new Map<string, string | null>();
  private readonly batch: CatFileBatch;

  constructor(private readonly options: CliGitRepositoryOptions) {
    this.defaultBranch = options.branch ?? 'main';
    this.gitDir = path.join(options.workDir, 'repo.git');
    this.batch = new CatFileBatch(this.gitDir, options.gitBinary);
    this.displayName = options.url.startsWith('file:')
      ? options.url
      : safeUrl(options.url);
    this.git = new GitCli({
      gitDir: this.gitDir,
      url: options.url,
      displayName: this.displayName,
      auth: options.auth,
      committer: options.committer,
      timeoutMs: options.timeoutMs,
      gitBinary: options.gitBinary,
    });
  }

  /** Stops the helper process; call on shutdown. */
  close() {
    this.batch.close();
  }

  // --- the local clone ------------------------------------------------------------------

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
        await this.git.run(['init', '--quiet', '--bare']);
      }
    })().catch(e => {
      this.initialised = undefined;
      throw e;
    });
    return this.initialised;
  }

  private async fetchNow() {
    const { url, env } = await this.git.remote();
    await this.git.run(
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

  private missingBranch(branch: string) {
    return new ConflictError(
      `branch ${branch} does not exist in ${this.displayName}`,
    );
  }

  private async readAt(sha: string, file: string): Promise<string | null> {
    // Keyed by commit: what a commit holds never changes, so no entry goes stale.
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
    return { sha, readFile: file => this.readAt(sha, normalisePath(file)) };
  }

  /**
   * Pushes `sha` to `branch`: a fast-forward, or with `lease` a compare-and-swap (`''`: the
   * branch must not exist, a sha: the branch must still be there).
   */
  private async push(sha: string, branch: string, lease?: string) {
    const { url, env } = await this.git.remote();
    const args = ['push', '--quiet', '--porcelain'];
    if (lease !== undefined) {
      args.push(`--force-with-lease=refs/heads/${branch}:${lease}`);
    }
    args.push(url, `${sha}:refs/heads/${branch}`);
    const r = await this.git.run(args, { env, allowFail: true });
    if (r.code === 0) return 'ok' as const;
    const text = `${r.stdout}\n${r.stderr}`;
    if (REJECTED.test(text)) return 'rejected' as const;
    throw new Error(`git push failed: ${this.git.clean(r.stderr.trim())}`);
  }

  /**
   * Runs `attempt` (after a fresh fetch, one operation at a time) until it is done: it answers
   * `undefined` when its push was rejected, i.e. the branch moved, and is run again on the new
   * tip after a jittered backoff, so replicas racing for one branch spread out. `what` names
   * what could not be pushed when the attempts run out.
   */
  private async untilPushed<T>(
    maxAttempts: number,
    attempt: (n: number) => Promise<{ result: T } | undefined>,
    what: string,
  ): Promise<T> {
    for (let n = 1; n <= maxAttempts; n++) {
      const outcome = await this.exclusive(async () => {
        await this.fetchNow();
        return attempt(n);
      });
      if (outcome) return outcome.result;
      await sleep(Math.min(1000, 20 * 2 ** n) * Math.random());
    }
    throw new ConflictError(
      `${what} could not be pushed after ${maxAttempts} attempts; try again`,
    );
  }

  // --- GitRepository ------------------------------------------------------------------------

  tip(branch = this.defaultBranch): Promise<GitTree> {
    return this.exclusive(async () => {
      await this.fetchNow();
      const sha = await this.remoteSha(branch);
      if (!sha) throw this.missingBranch(branch);
      return this.treeAt(sha);
    });
  }

  branchExists(branch: string): Promise<boolean> {
    return this.exclusive(async () => {
      await this.fetchNow();
      return (await this.remoteSha(branch)) !== undefined;
    });
  }

  commit(options: {
    branch?: string;
    createFrom?: string;
    replaceBranch?: boolean;
    author: GitAuthor;
    change: ChangeFn;
    maxAttempts?: number;
  }): Promise<CommitResult | undefined> {
    const branch = options.branch ?? this.defaultBranch;
    const maxAttempts = options.maxAttempts ?? 8;
    return this.untilPushed(
      maxAttempts,
      async attempt => {
        const existing = options.createFrom
          ? await this.remoteSha(branch)
          : undefined;
        if (existing && !options.replaceBranch) {
          throw new ConflictError(
            `branch ${branch} already exists in ${this.displayName}`,
          );
        }
        const parent = await this.remoteSha(options.createFrom ?? branch);
        if (!parent) throw this.missingBranch(options.createFrom ?? branch);
        const change = await options.change(this.treeAt(parent));
        if (!change || Object.keys(change.files).length === 0) {
          return { result: undefined };
        }
        const sha = await fastImportCommit(this.git, {
          parent,
          files: change.files,
          message: change.message,
          author: options.author,
          committer: this.options.committer ?? options.author,
          now: this.options.clock?.now() ?? new Date(),
        });
        // A new branch is pushed with a lease, so a branch created meanwhile is not overwritten.
        const pushed = await this.push(
          sha,
          branch,
          options.createFrom ? existing ?? '' : undefined,
        );
        if (pushed === 'ok') {
          return { result: { sha, parentSha: parent, attempts: attempt } };
        }
        this.options.logger?.debug(
          `push to ${branch} of ${this.displayName} rejected (attempt ${attempt}); retrying on the new tip`,
        );
        return undefined;
      },
      `${branch} of ${this.displayName} kept moving: the change`,
    );
  }

  merge(options: {
    source: string;
    target?: string;
    author: GitAuthor;
    message: string;
    maxAttempts?: number;
  }): Promise<CommitResult & { fastForward: boolean }> {
    const target = options.target ?? this.defaultBranch;
    const maxAttempts = options.maxAttempts ?? 8;
    return this.untilPushed(
      maxAttempts,
      async attempt => {
        const source = await this.remoteSha(options.source);
        const tipSha = await this.remoteSha(target);
        if (!source || !tipSha) {
          throw this.missingBranch(source ? target : options.source);
        }
        if (await isAncestor(this.git, source, tipSha)) {
          // Already in the target.
          return {
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
        if (!(await isAncestor(this.git, tipSha, source))) {
          fastForward = false;
          const tree = await mergeTree(
            this.git,
            { source: options.source, target },
            tipSha,
            source,
          );
          sha = await commitTree(this.git, {
            tree,
            parents: [tipSha, source],
            message: options.message,
            author: options.author,
            committer: this.options.committer ?? options.author,
            now: this.options.clock?.now(),
          });
        }
        const pushed = await this.push(sha, target);
        if (pushed !== 'ok') return undefined;
        return {
          result: { sha, parentSha: tipSha, attempts: attempt, fastForward },
        };
      },
      `${target} of ${this.displayName} kept moving: the merge`,
    );
  }

  deleteBranch(branch: string): Promise<void> {
    return this.exclusive(async () => {
      const { url, env } = await this.git.remote();
      await this.git.run(['push', '--quiet', url, `:refs/heads/${branch}`], {
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
      const r = await this.git.run([
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
