import { ConflictError } from '@backstage/errors';
import path from 'node:path';
import type { GitCli } from './gitCli';
import type { GitAuthor } from './GitRepository';

/**
 * Commits written straight into the object store of the bare clone, with no index and no
 * working tree: `fast-import` for a change on top of a parent, `merge-tree` + `commit-tree`
 * for a merge. Nothing is shared between operations but the objects themselves.
 */

/** A path inside the repository (no `..`, no control characters or quotes) or a throw. */
export function normalisePath(file: string): string {
  const name = path.posix.normalize(file).replace(/^\/+/, '');
  // eslint-disable-next-line no-control-regex
  if (name.startsWith('..') || /[\u0000-\u001f\u007f"\\]/.test(name)) {
    throw new Error(
      `not a path inside the repository: ${JSON.stringify(file)}`,
    );
  }
  return name;
}

/** Git wants a commit message to end with a newline. */
const withNewline = (message: string) =>
  message.endsWith('\n') ? message : `${message}\n`;

/** A time as git writes it into a commit (seconds, UTC). */
const gitDate = (now: Date) => `${Math.floor(now.getTime() / 1000)} +0000`;

/** Builds the commit of `files` on `parent` with one `git fast-import`; its sha. */
export async function fastImportCommit(
  git: GitCli,
  options: {
    parent: string;
    files: Record<string, string>;
    message: string;
    author: GitAuthor;
    committer: GitAuthor;
    now: Date;
  },
): Promise<string> {
  const date = gitDate(options.now);
  // An ident with `<`, `>` or a newline would break the stream (or forge a header).
  const ident = (who: GitAuthor) =>
    `${who.name.replace(/[<>\n]/g, '')} <${who.email.replace(
      /[<>\n]/g,
      '',
    )}> ${date}`;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const lines = [
    'commit refs/gitops/scratch',
    'mark :1',
    `author ${ident(options.author)}`,
    `committer ${ident(options.committer)}`,
    data(withNewline(options.message)).slice(0, -1),
    `from ${options.parent}`,
    ...Object.entries(options.files).map(
      ([file, content]) =>
        `M 100644 inline ${normalisePath(file)}\n${data(content).slice(0, -1)}`,
    ),
    '',
    'get-mark :1',
    'done',
    '',
  ];
  const r = await git.run(['fast-import', '--quiet', '--force', '--done'], {
    input: lines.join('\n'),
  });
  const sha = r.stdout.trim().split('\n').pop() ?? '';
  if (!/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new Error('git fast-import did not return a commit');
  }
  return sha;
}

/** True when commit `a` is an ancestor of (or is) commit `b`. */
export async function isAncestor(git: GitCli, a: string, b: string) {
  const r = await git.run(['merge-base', '--is-ancestor', a, b], {
    allowFail: true,
  });
  return r.code === 0;
}

/**
 * The tree of merging `source` into `tip`, or a ConflictError naming the conflicting files:
 * a conflict is for the caller to resolve (re-create the branch), not for git to guess.
 */
export async function mergeTree(
  git: GitCli,
  names: { source: string; target: string },
  tip: string,
  source: string,
): Promise<string> {
  const merged = await git.run(
    ['merge-tree', '--write-tree', '--name-only', tip, source],
    { allowFail: true },
  );
  if (merged.code === 1) {
    const files = merged.stdout
      .split('\n')
      .slice(1)
      .filter(line => line && !line.startsWith('Auto-merging'))
      .filter(line => !/^CONFLICT/.test(line));
    throw new ConflictError(
      `${names.source} conflicts with ${names.target}${
        files.length ? ` in ${[...new Set(files)].join(', ')}` : ''
      }; it has to be re-created on top of ${names.target}`,
    );
  }
  if (merged.code !== 0) {
    throw new Error(
      `git merge-tree failed: ${git.clean(merged.stderr.trim())}`,
    );
  }
  return merged.stdout.split('\n')[0].trim();
}

/** The commit of `tree` with `parents`; dated by `now` when given, else by git. */
export async function commitTree(
  git: GitCli,
  options: {
    tree: string;
    parents: string[];
    message: string;
    author: GitAuthor;
    committer: GitAuthor;
    now?: Date;
  },
): Promise<string> {
  const { author, committer, now } = options;
  const date = now ? gitDate(now) : undefined;
  const r = await git.run(
    [
      'commit-tree',
      options.tree,
      ...options.parents.flatMap(p => ['-p', p]),
      '-F',
      '-',
    ],
    {
      input: withNewline(options.message),
      author,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
      },
    },
  );
  return r.stdout.trim();
}
