import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { EntityGitopsEnvironmentsCard } from './EntityGitopsEnvironmentsCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', annotations },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
});

describe('EntityGitopsEnvironmentsCard', () => {
  it('names the applications the entity maps to', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={entity({ 'argocd/app-selector': 'app=payments-api' })}
      >
        <EntityGitopsEnvironmentsCard />
      </EntityProvider>,
    );
    expect(screen.getByText('GitOps')).toBeInTheDocument();
    expect(
      screen.getByText('Argo CD applications matching app=payments-api'),
    ).toBeInTheDocument();
  });

  it('asks for the annotation when it is missing', async () => {
    await renderInTestApp(
      <EntityProvider entity={entity({})}>
        <EntityGitopsEnvironmentsCard />
      </EntityProvider>,
    );
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/argocd\/app-selector/).length).toBeGreaterThan(
      0,
    );
  });
});
