import { parseGithubRepository } from './githubRepository';

describe('parseGithubRepository', () => {
  it('reads owner and name from https, ssh and scp-like remote URLs', () => {
    const acme = { host: 'github.com', owner: 'acme', name: 'gitops' };
    expect(parseGithubRepository('https://github.com/acme/gitops.git')).toEqual(
      acme,
    );
    expect(parseGithubRepository('https://github.com/acme/gitops/')).toEqual(
      acme,
    );
    expect(parseGithubRepository('git@github.com:acme/gitops.git')).toEqual(
      acme,
    );
    expect(
      parseGithubRepository('ssh://git@github.com:22/acme/gitops.git'),
    ).toEqual(acme);
    expect(
      parseGithubRepository('https://GHE.example.com:8443/acme/gitops'),
    ).toEqual({ host: 'ghe.example.com:8443', owner: 'acme', name: 'gitops' });
  });

  it('guesses nothing for URLs that are not a repository', () => {
    for (const url of [
      'file:///srv/gitops.git',
      'https://github.com/acme',
      'https://github.com/acme/gitops/tree/main',
      'not a url',
    ]) {
      expect(parseGithubRepository(url)).toBeUndefined();
    }
  });
});
