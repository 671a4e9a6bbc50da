import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { entityGitopsEnvironmentsCard } from './plugin';
import gitopsPlugin from './index';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'chores-api',
    annotations: { 'argocd/app-selector': 'app=chores-api' },
  },
  spec: { type: 'service' },
};

describe('gitops frontend plugin', () => {
  it('is the package default export', () => {
    expect(gitopsPlugin.id).toBe('gitops');
  });

  it('shows the environments card on services only', () => {
    const tester = createExtensionTester(entityGitopsEnvironmentsCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(service)).toBe(true);
    expect(filter?.({ ...service, spec: { type: 'website' } })).toBe(false);
    expect(filter?.({ ...service, kind: 'API' })).toBe(false);
  });

  it('renders the environments card extension', async () => {
    const tester = createExtensionTester(entityGitopsEnvironmentsCard);
    renderInTestApp(
      <EntityProvider entity={service}>{tester.reactElement()}</EntityProvider>,
    );
    expect(
      await screen.findByText('Argo CD applications matching app=chores-api'),
    ).toBeInTheDocument();
  });
});
