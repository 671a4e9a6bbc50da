import { parseGitopsConfig, promotionSetup } from './config';

describe('promotionSetup', () => {
  it('is off without a repository, but still validates gitops.promotion', () => {
    expect(promotionSetup(parseGitopsConfig({}))).toBeUndefined();
    expect(() =>
      promotionSetup(
        parseGitopsConfig({
          promotion: { environments: { qa: { mode: 'commit' } } },
        }),
      ),
    ).toThrow('gitops.promotion.environments.qa');
  });

  it('reads the repository, the policies and the work dir', () => {
    const setup = promotionSetup(
      parseGitopsConfig({
        environments: ['dev', 'staging', 'prod'],
        repository: { url: 'file:///tmp/gitops.git', branch: 'trunk' },
        promotion: {
          workDir: '/var/lib/backstage/promotion',
          lockWaitSeconds: 5,
          committer: { name: 'Bot', email: 'bot@example.com' },
          environments: {
            staging: { smokeCheck: { url: 'https://x/healthz' } },
          },
        },
      }),
    );
    expect(setup).toMatchObject({
      repository: { url: 'file:///tmp/gitops.git', branch: 'trunk' },
      workDir: '/var/lib/backstage/promotion',
      settings: {
        branch: 'trunk',
        lockWaitMs: 5000,
        committer: { name: 'Bot', email: 'bot@example.com' },
        policies: {
          dev: { mode: 'commit', approval: false },
          staging: {
            mode: 'commit',
            smokeCheck: { url: 'https://x/healthz', timeoutMs: 5000 },
          },
          prod: { mode: 'pull-request', approval: true },
        },
      },
    });
  });

  it('names the key of an invalid value', () => {
    expect(() =>
      parseGitopsConfig({ promotion: { lockTtlSeconds: 0 } }),
    ).toThrow('gitops.promotion.lockTtlSeconds');
    expect(() =>
      parseGitopsConfig({
        promotion: {
          environments: { prod: { smokeCheck: { url: 'ftp://x' } } },
        },
      }),
    ).toThrow('gitops.promotion.environments.prod.smokeCheck.url');
    expect(() =>
      promotionSetup(
        parseGitopsConfig({
          repository: { url: 'file:///tmp/gitops.git' },
          promotion: {
            environments: { prod: { mode: 'commit', approval: true } },
          },
        }),
      ),
    ).toThrow(
      /gitops\.promotion\.environments\.prod: an approval needs mode pull-request/,
    );
  });
});
