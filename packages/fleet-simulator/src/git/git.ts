import { execFile } from 'node:child_process';

export interface GitIdentity {
  name: string;
  email: string;
  date?: Date;
}

/**
 * Runs the `git` CLI. Identity is passed with `-c` and env vars so the user's global git
 * config (or lack of it) never matters.
 */
export function git(
  args: string[],
  opts: { cwd?: string; author?: GitIdentity; input?: string } = {},
): Promise<string> {
  const a = opts.author ?? {
    name: 'Fleet Simulator',
    email: 'fleet-simulator@example.com',
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: a.name,
    GIT_AUTHOR_EMAIL: a.email,
    GIT_COMMITTER_NAME: a.name,
    GIT_COMMITTER_EMAIL: a.email,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  if (a.date) {
    env.GIT_AUTHOR_DATE = a.date.toISOString();
    env.GIT_COMMITTER_DATE = a.date.toISOString();
  }
  const full = [
    '-c',
    `user.name=${a.name}`,
    '-c',
    `user.email=${a.email}`,
    '-c',
    'init.defaultBranch=main',
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      full,
      { cwd: opts.cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(`git ${args.join(' ')} failed: ${stderr || err.message}`),
          );
        else resolve(stdout);
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
