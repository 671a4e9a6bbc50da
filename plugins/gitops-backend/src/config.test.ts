import { parseGitopsConfig } from './config';

describe('parseGitopsConfig', () => {
  it('gives defaults without any gitops config', () => {
    const config = parseGitopsConfig(undefined);
    expect(config.environments).toEqual(['dev', 'staging', 'prod']);
    expect(config.environmentLabel).toBe('environment');
    expect(config.argocd.resyncMinutes).toBe(10);
    expect(config.cost.refreshMinutes).toBe(60);
    expect(config.catalogRefreshSeconds).toBe(30);
    expect(config.permissionCacheSeconds).toBe(10);
    expect(config.argocd.instances).toEqual([]);
    expect(config.cost.window).toBe('7d');
    expect(config.velero.clusters).toEqual([]);
  });

  it('reads a full block', () => {
    const config = parseGitopsConfig({
      environments: ['dev', 'prod'],
      argocd: {
        instances: [
          { name: 'argocd-main', url: 'http://argo', token: 't' },
          {
            name: 'argocd-prod',
            url: 'https://argo-prod',
            username: 'admin',
            password: 'p',
            webUrl: 'https://ui',
            timeoutMs: 1000,
          },
        ],
      },
      cost: {
        clusters: [{ name: 'c1', type: 'opencost', url: 'http://cost' }],
      },
      velero: {
        rpoTargetHours: 26,
        clusters: [{ name: 'c1', kubeconfigPath: '/tmp/kc' }],
      },
      repository: { url: 'file:///tmp/repo.git' },
    });
    expect(config.argocd.instances[1].webUrl).toBe('https://ui');
    expect(config.cost.clusters[0]).toMatchObject({
      currency: 'USD',
      labelKey: 'app',
    });
    expect(config.velero.clusters[0].namespace).toBe('velero');
    expect(config.repository?.branch).toBe('main');
  });

  it.each([
    [
      { argocd: { instances: [{ name: 'a', url: 'not a url', token: 't' }] } },
      'gitops.argocd.instances[0].url',
    ],
    [
      { argocd: { instances: [{ name: 'a', url: 'http://a' }] } },
      'gitops.argocd.instances[0].token',
    ],
    [
      {
        cost: { clusters: [{ name: 'c', type: 'datadog', url: 'http://c' }] },
      },
      'gitops.cost.clusters[0].type',
    ],
    [
      { velero: { clusters: [{ name: 'c', url: 'http://k8s' }] } },
      'gitops.velero.clusters[0].token',
    ],
    [{ argocd: { resyncMinutes: 0 } }, 'gitops.argocd.resyncMinutes'],
    [
      {
        argocd: {
          instances: [
            { name: 'a', url: 'http://a', token: 't' },
            { name: 'a', url: 'http://b', token: 't' },
          ],
        },
      },
      'gitops.argocd.instances[1].name',
    ],
    [
      { notifications: { topics: ['degraded', 'slack'] } },
      'gitops.notifications.topics[1]',
    ],
    [
      { notifications: { degradedGracePeriod: '5 minutes' } },
      'gitops.notifications.degradedGracePeriod',
    ],
    [
      { notifications: { outOfSyncGracePeriod: { minutes: 'five' } } },
      'gitops.notifications.outOfSyncGracePeriod',
    ],
  ])('names the invalid key (%#)', (raw, key) => {
    expect(() => parseGitopsConfig(raw)).toThrow(key);
  });

  it('never echoes a secret in its errors', () => {
    let message = '';
    try {
      parseGitopsConfig({
        argocd: {
          instances: [
            { name: 'a', url: 'bad', password: 'SECRET-PASSWORD-123' },
          ],
        },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('gitops.argocd.instances[0].url');
    expect(message).not.toContain('SECRET-PASSWORD-123');
  });
});
