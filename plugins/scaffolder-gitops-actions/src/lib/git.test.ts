import { maskCredentials } from './git';

describe('maskCredentials', () => {
  it('hides user and token in URLs', () => {
    expect(
      maskCredentials(
        'fatal: https://bot:ghp_abc123@github.com/org/gitops.git',
      ),
    ).toBe('fatal: https://***@github.com/org/gitops.git');
    expect(maskCredentials('ssh://git@host/repo')).toBe('ssh://***@host/repo');
    expect(maskCredentials('file:///tmp/gitops.git')).toBe(
      'file:///tmp/gitops.git',
    );
  });
});
