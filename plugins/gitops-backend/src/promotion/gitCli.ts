import { spawn } from 'node:child_process';
import { sanitize } from '../util/errors';
import type { GitAuthor } from './GitRepository';

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

export type RunResult = { code: number; stdout: string; stderr: string };

class GitCommandError extends Error {
  constructor(message: string, readonly result: RunResult) {
    super(message);
    this.name = 'GitCommandError';
  }
}

export type GitCliOptions = {
  gitDir: string;
  /** The remote as configured (before `auth.rewriteUrl`). */
  url: string;
  /** What stands for the remote in texts: a rewritten URL is replaced by it. */
  displayName: string;
  auth?: GitAuth;
  /** `user.name` / `user.email` of every command unless one gives its own author. */
  committer?: GitAuthor;
  /** Per git command (default 60 s). */
  timeoutMs?: number;
  gitBinary?: string;
};

/**
 * Runs git commands on one bare clone, with the remote's credentials where a command talks to
 * it. Everything git prints passes through `clean` before it reaches an error: servers echo
 * URLs and headers back, and those carry the credentials.
 */
export class GitCli {
  /** Rewritten remote URLs (shown as `displayName`). */
  private readonly secrets = new Set<string>();
  /** Header values and the credentials in them (shown as `***`). */
  private readonly credentials = new Set<string>();

  constructor(private readonly options: GitCliOptions) {}

  /** The URL and environment of a command that talks to the remote (fetch, push). */
  async remote(): Promise<{ url: string; env: Record<string, string> }> {
    const url = await this.remoteUrl();
    const env = await this.authEnv();
    return { url, env };
  }

  private async authEnv(): Promise<Record<string, string>> {
    const headers = (await this.options.auth?.headers?.()) ?? {};
    const env: Record<string, string> = {};
    const entries = Object.entries(headers);
    // Through env config, not `-c`: arguments are visible to every user of the host.
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
    const { url, auth } = this.options;
    const rewritten = (await auth?.rewriteUrl?.(url)) ?? url;
    if (rewritten !== url) this.secrets.add(rewritten);
    return rewritten;
  }

  /** `text` without the remote's credentials: safe for a log line or an error. */
  clean(text: string) {
    let out = text;
    for (const secret of this.secrets) {
      if (secret) out = out.split(secret).join(this.options.displayName);
    }
    return sanitize(out, this.credentials);
  }

  /**
   * Runs `git <args>` on the clone; rejects on a non-zero exit unless `allowFail`. Never
   * prompts (no terminal, `GIT_ASKPASS=echo`) and is killed after the timeout, so a remote
   * asking for credentials cannot hang a promotion.
   */
  run(
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
    const fullArgs = [...configArgs, '--git-dir', this.options.gitDir, ...args];
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
}
