import type { ApplicationSummary } from './overview';
import { environmentHealth, environmentSync } from './status';

const app = (
  sync: ApplicationSummary['sync'],
  health: ApplicationSummary['health'],
): ApplicationSummary => ({
  instance: 'argocd-main',
  name: 'x',
  environment: 'dev',
  sync,
  health,
  images: [],
  autoSync: true,
});

describe('environment status', () => {
  it('is the worst status of its applications', () => {
    const apps = [app('Synced', 'Healthy'), app('OutOfSync', 'Degraded')];
    expect(environmentSync(apps)).toBe('OutOfSync');
    expect(environmentHealth(apps)).toBe('Degraded');
  });

  it('ranks Progressing below Healthy and above Degraded', () => {
    expect(
      environmentHealth([
        app('Synced', 'Healthy'),
        app('Synced', 'Progressing'),
      ]),
    ).toBe('Progressing');
  });

  it('is undefined without applications', () => {
    expect(environmentSync([])).toBeUndefined();
    expect(environmentHealth([])).toBeUndefined();
  });
});
