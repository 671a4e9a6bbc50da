/** A repository on GitHub or GitHub Enterprise. */
export type GithubRepository = {
  /** Web host, as `integrations.github[].host` names it (may carry a port). */
  host: string;
  owner: string;
  name: string;
};

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * Owner and name of a GitHub repository from its remote URL: `https://host/owner/repo(.git)`,
 * `ssh://git@host/owner/repo.git` or `git@host:owner/repo.git`. Undefined for anything else
 * (file://, deeper paths), so a URL that is not a repository is never guessed at.
 */
export function parseGithubRepository(
  url: string,
): GithubRepository | undefined {
  let host: string;
  let repoPath: string;
  const scp = /^[\w.-]+@([^:/]+):(.+)$/.exec(url);
  if (scp) {
    [, host, repoPath] = scp;
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol === 'ssh:') host = parsed.hostname;
    else if (/^https?:$/.test(parsed.protocol)) host = parsed.host;
    else return undefined;
    repoPath = parsed.pathname;
  }
  const parts = repoPath
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  if (parts.length !== 2 || !parts.every(p => SEGMENT.test(p))) {
    return undefined;
  }
  return {
    host: host.toLocaleLowerCase('en-US'),
    owner: parts[0],
    name: parts[1],
  };
}
