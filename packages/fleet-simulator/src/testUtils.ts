import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git } from './git/git';
import type { Fleet } from './fleet';

/** Test helpers: a logged-in Argo client and a git clone/commit/push round trip. */
export async function tempDir(prefix = 'fleet-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function argoClient(fleet: Fleet, instance: string) {
  const a = fleet.argo.find(x => x.name === instance)!;
  const login = await fetch(`${a.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: a.username, password: a.password }),
  });
  const { token } = (await login.json()) as { token: string };
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${a.url}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    token,
    url: a.url,
    get: (p: string) => call('GET', p),
    post: (p: string, body: unknown) => call('POST', p, body),
    del: (p: string) => call('DELETE', p),
  };
}

const author = { name: 'Dana Release', email: 'dana@example.com' };

/** Clones the fleet's repo, applies edits, commits and pushes; returns the new commit sha. */
export async function commitToFleet(
  fleet: Fleet,
  message: string,
  edit: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = await tempDir('fleet-clone-');
  await git(['clone', '-q', fleet.git.url, dir]);
  await edit(dir);
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', message], { cwd: dir, author });
  await git(['push', '-q', 'origin', 'main'], { cwd: dir });
  const sha = (await git(['rev-parse', 'HEAD'], { cwd: dir })).trim();
  await fs.rm(dir, { recursive: true, force: true });
  return sha;
}

/** Replaces a line matching `pattern` in a file of the clone. */
export async function replaceInFile(
  file: string,
  pattern: RegExp,
  replacement: string,
) {
  const text = await fs.readFile(file, 'utf8');
  if (!pattern.test(text)) throw new Error(`${pattern} not found in ${file}`);
  await fs.writeFile(file, text.replace(pattern, replacement));
}

/** Stops a test fleet and removes its directory (the one holding gitops.git). */
export async function stopAndClean(fleet: Fleet) {
  await fleet.stop();
  await fs.rm(path.dirname(fleet.git.bareRepoPath), {
    recursive: true,
    force: true,
  });
}
