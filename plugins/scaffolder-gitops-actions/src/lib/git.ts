import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Who commits: the scaffolder's identity unless the template names someone. */
export type GitAuthor = { name: string; email: string };

/**
 * Runs the git CLI without a shell. Errors carry git's own message, with any credentials in
 * URLs (`https://user:token@host`) masked.
 */
export async function git(
  args: string[],
  options: { cwd?: string; author?: GitAuthor } = {},
): Promise<string> {
  const identity = options.author
    ? [
        '-c',
        `user.name=${options.author.name}`,
        '-c',
        `user.email=${options.author.email}`,
      ]
    : [];
  try {
    const { stdout } = await run('git', [...identity, ...args], {
      cwd: options.cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      maskCredentials(`git ${args[0]}: ${e.stderr || e.message}`),
    );
  }
}

export function maskCredentials(text: string): string {
  return text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
}
