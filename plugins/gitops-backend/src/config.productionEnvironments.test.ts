import { parseGitopsConfig } from './config';

describe('gitops.productionEnvironments', () => {
  it('defaults to prod and production, for DORA and notifications alike', () => {
    const config = parseGitopsConfig({});
    expect(config.productionEnvironments).toEqual(['prod', 'production']);
    expect(config.notifications.productionEnvironments).toEqual([
      'prod',
      'production',
    ]);
  });

  it('is what notifications read', () => {
    const config = parseGitopsConfig({ productionEnvironments: ['live'] });
    expect(config.productionEnvironments).toEqual(['live']);
    expect(config.notifications.productionEnvironments).toEqual(['live']);
    expect(config.notifications.enabled).toBe(true);
  });

  it("leaves notifications' own older setting in place", () => {
    const config = parseGitopsConfig({
      productionEnvironments: ['live'],
      notifications: { productionEnvironments: ['prod-eu'] },
    });
    expect(config.notifications.productionEnvironments).toEqual(['prod-eu']);
  });

  it('refuses an empty list, naming the key', () => {
    expect(() => parseGitopsConfig({ productionEnvironments: [] })).toThrow(
      'gitops.productionEnvironments',
    );
  });
});
