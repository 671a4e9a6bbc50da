import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityGitopsContent } from './EntityGitopsContent';

describe('EntityGitopsContent', () => {
  it('shows the environments card for the entity', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'schedule-bot',
            annotations: { 'argocd/app-name': 'schedule-bot-dev' },
          },
        }}
      >
        <EntityGitopsContent />
      </EntityProvider>,
    );
    expect(
      screen.getByText('Argo CD applications schedule-bot-dev'),
    ).toBeInTheDocument();
  });
});
