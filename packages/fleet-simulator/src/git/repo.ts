import { git } from './git';
import { CatFileBatch } from './catFile';

export interface CommitInfo {
  sha: string;
  author: string;
  date: string;
  message: string;
  tags: string[];
}

/** Read access to the bare gitops repository (what Argo's repo-server would see). */
export class GitRepo {
  private fileCache = new Map<string, string | null>();
  private commitCache = new Map<string, CommitInfo>();
  private readonly catFile: CatFileBatch;

  constructor(readonly bareRepoPath: string, readonly branch = 'main') {
    this.catFile = new CatFileBatch(bareRepoPath);
  }

  close() {
    this.catFile.close();
  }

  async head(): Promise<string> {
    return (
      await git(['rev-parse', `refs/heads/${this.branch}`], {
        cwd: this.bareRepoPath,
      })
    ).trim();
  }

  async resolve(rev: string): Promise<string | undefined> {
    if (!rev || rev === 'HEAD' || rev === this.branch) return this.head();
    try {
      return (
        await git(['rev-parse', '--verify', `${rev}^{commit}`], {
          cwd: this.bareRepoPath,
        })
      ).trim();
    } catch {
      return undefined;
    }
  }

  /** File content at a commit, or null when absent. Commits are immutable, so this caches. */
  async readFile(sha: string, path: string): Promise<string | null> {
    const key = `${sha}:${path}`;
    if (this.fileCache.has(key)) return this.fileCache.get(key)!;
    const bytes = await this.catFile.read(key);
    const content = bytes ? bytes.toString('utf8') : null;
    this.fileCache.set(key, content);
    return content;
  }

  async listFiles(sha: string, dir: string): Promise<string[]> {
    const out = await git(
      ['ls-tree', '-r', '--name-only', sha, '--', dir || '.'],
      { cwd: this.bareRepoPath },
    );
    return out.split('\n').filter(Boolean);
  }

  async commitInfo(rev: string): Promise<CommitInfo | undefined> {
    const sha = await this.resolve(rev);
    if (!sha) return undefined;
    const cached = this.commitCache.get(sha);
    if (cached) return cached;
    // One process per commit: its tags come from the decorations (%D), as `tag: <name>`.
    const out = await git(
      ['log', '-1', '--format=%an <%ae>%x00%aI%x00%D%x00%B', sha],
      { cwd: this.bareRepoPath },
    );
    const [author, date, refs, message] = out.split('\0');
    const tags = refs
      .split(', ')
      .filter(r => r.startsWith('tag: '))
      .map(r => r.slice('tag: '.length))
      .sort();
    const info = {
      sha,
      author,
      date: new Date(date).toISOString().replace('.000Z', 'Z'),
      message: message.trim(),
      tags,
    };
    this.commitCache.set(sha, info);
    return info;
  }
}
