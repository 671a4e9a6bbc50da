import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { AppStore } from '../store/AppStore';
import {
  appQueryOf,
  environmentOf,
  imageName,
  imageTag,
  workloadSpecOf,
} from './workloads';

const app = (over: Partial<DeploymentApp>): DeploymentApp => ({
  instance: 'argocd-main',
  name: 'x',
  labels: {},
  autoSync: false,
  sync: 'Synced',
  health: 'Healthy',
  images: [],
  history: [],
  ...over,
});

const options = {
  environments: ['dev', 'staging', 'prod'],
  environmentLabel: 'environment',
};

describe('environmentOf', () => {
  it('uses the configured label first', () => {
    expect(
      environmentOf(
        app({ name: 'a-dev', labels: { environment: 'qa' } }),
        options,
      ),
    ).toBe('qa');
    expect(
      environmentOf(app({ labels: { stage: 'prod' } }), {
        ...options,
        environmentLabel: 'stage',
      }),
    ).toBe('prod');
  });

  it('falls back to the app name suffix, then the destination namespace', () => {
    expect(environmentOf(app({ name: 'payments-api-staging' }), options)).toBe(
      'staging',
    );
    expect(
      environmentOf(
        app({ name: 'payments', destination: { namespace: 'payments-prod' } }),
        options,
      ),
    ).toBe('prod');
    expect(environmentOf(app({ name: 'payments' }), options)).toBe('default');
  });
});

/** Whether the store finds the app for the entity's annotations. */
const appBelongsTo = (
  spec: ReturnType<typeof workloadSpecOf>,
  a: DeploymentApp,
) => {
  const store = new AppStore();
  store.upsert(a);
  return store.select(appQueryOf(spec)).length === 1;
};

describe('workloadSpecOf / appQueryOf', () => {
  const entity = (annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
  });

  it('matches by names, selector, instance, namespace and project', () => {
    const byName = workloadSpecOf(
      entity({ 'argocd/app-name': 'a-dev, a-prod' }),
    );
    expect(byName.appNames).toEqual(['a-dev', 'a-prod']);
    expect(appBelongsTo(byName, app({ name: 'a-prod' }))).toBe(true);
    expect(appBelongsTo(byName, app({ name: 'b-prod' }))).toBe(false);

    const bySelector = workloadSpecOf(
      entity({
        'argocd/app-selector': 'app=payments-api',
        'argocd/instance-name': 'argocd-prod',
        'argocd/project-name': 'payments',
      }),
    );
    const labelled = { labels: { app: 'payments-api' }, project: 'payments' };
    expect(
      appBelongsTo(bySelector, app({ ...labelled, instance: 'argocd-prod' })),
    ).toBe(true);
    expect(
      appBelongsTo(bySelector, app({ ...labelled, instance: 'argocd-main' })),
    ).toBe(false);
    expect(
      appBelongsTo(
        bySelector,
        app({ ...labelled, instance: 'argocd-prod', project: 'other' }),
      ),
    ).toBe(false);

    const byNamespace = workloadSpecOf(
      entity({ 'argocd/app-name': 'a', 'argocd/app-namespace': 'team-a' }),
    );
    expect(
      appBelongsTo(byNamespace, app({ name: 'a', namespace: 'team-b' })),
    ).toBe(false);
    expect(
      appBelongsTo(byNamespace, app({ name: 'a', namespace: 'team-a' })),
    ).toBe(true);
  });

  it('reports a bad selector instead of throwing, and defaults the cost selector', () => {
    const spec = workloadSpecOf(entity({ 'argocd/app-selector': 'app in (' }));
    expect(spec.problems[0]).toContain('argocd/app-selector');
    expect(spec.costSelector).toEqual([
      { key: 'app', op: 'in', values: ['payments-api'] },
    ]);
  });
});

describe('images', () => {
  it.each([
    ['registry.example.com/payments-api:1.4.0', 'payments-api', '1.4.0'],
    ['registry:5000/team/payments-api:2.0@sha256:abc', 'payments-api', '2.0'],
    ['registry:5000/team/payments-api', 'payments-api', undefined],
    ['nginx', 'nginx', undefined],
  ])('%s', (image, name, tag) => {
    expect(imageName(image)).toBe(name);
    expect(imageTag(image)).toBe(tag);
  });
});
