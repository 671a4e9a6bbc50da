/** Who a commit is by. @public */
export type GitAuthor = { name: string; email: string };

/** A snapshot of the tip of a branch. @public */
export interface GitTree {
  /** The commit the reads come from. */
  sha: string;
  /** A file's content at that commit, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
}

/**
 * The change a commit makes, computed from the tip it goes on top of. Returning `undefined`
 * (or no files) means there is nothing to commit. It runs again after a rejected push, on the
 * new tip, and may throw (e.g. a ConflictError when the tip no longer allows the change).
 *
 * @public
 */
export type ChangeFn = (tree: GitTree) => Promise<
  | {
      files: Record<string, string>;
      message: string;
    }
  | undefined
>;

/** What a commit did. @public */
export type CommitResult = {
  sha: string;
  /** The tip the commit went on top of. */
  parentSha: string;
  /** Pushes tried: 1 when nothing moved the branch in the meantime. */
  attempts: number;
};

/** A gitops repository: reads at a branch tip, commits, pushes, branches. @public */
export interface GitRepository {
  /** A redacted name of the remote, safe for logs and messages. */
  readonly displayName: string;
  readonly defaultBranch: string;
  /** Fetches and returns the tip of `branch` (default branch when omitted). */
  tip(branch?: string): Promise<GitTree>;
  /** Whether `branch` exists on the remote (after a fetch). */
  branchExists(branch: string): Promise<boolean>;
  /**
   * Commits the change on top of `branch` and pushes it. A rejected push (the branch moved)
   * re-fetches, re-reads and re-applies `change`, up to `maxAttempts`; `createFrom` starts a
   * new branch from that branch's tip instead (refused when `branch` already exists, unless
   * `replaceBranch`: then the branch is rebuilt on that tip, as a pull request is rebased).
   */
  commit(options: {
    branch?: string;
    createFrom?: string;
    replaceBranch?: boolean;
    author: GitAuthor;
    change: ChangeFn;
    maxAttempts?: number;
  }): Promise<CommitResult | undefined>;
  /**
   * Brings `source` into `target`: a fast-forward when `target` has not moved, else a merge
   * commit; a textual conflict is a ConflictError. Retries when `target` moves meanwhile.
   */
  merge(options: {
    source: string;
    target?: string;
    author: GitAuthor;
    message: string;
    maxAttempts?: number;
  }): Promise<CommitResult & { fastForward: boolean }>;
  deleteBranch(branch: string): Promise<void>;
  /** First-parent history of `branch`, newest first (for history views and tests). */
  log(
    branch?: string,
    limit?: number,
  ): Promise<
    Array<{ sha: string; message: string; author: string; files: string[] }>
  >;
}
