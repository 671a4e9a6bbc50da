import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import {
  entityGitopsBackupCard,
  entityGitopsCostCard,
  entityGitopsDoraCard,
  entityGitopsEnvironmentsCard,
  entityGitopsEstateBackupCard,
  entityGitopsEstateCard,
  entityGitopsEstateCostCard,
  entityGitopsServiceDoraCard,
  entityGitopsSyncCard,
} from './plugin';
import { gitopsApiRef } from './api';
import { mockGitopsApi } from './__testUtils__/renderWithGitops';
import { teamPaymentsEntity } from './__testUtils__/estateFixtures';
import gitopsPlugin from './index';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'argocd/app-selector': 'app=payments-api' },
  },
  spec: { type: 'service' },
};

describe('gitops frontend plugin', () => {
  it('is the package default export', () => {
    expect(gitopsPlugin.id).toBe('gitops');
  });

  it.each([
    ['environments', () => createExtensionTester(entityGitopsEnvironmentsCard)],
    ['sync', () => createExtensionTester(entityGitopsSyncCard)],
    ['cost', () => createExtensionTester(entityGitopsCostCard)],
    ['backup', () => createExtensionTester(entityGitopsBackupCard)],
  ])('shows the %s card on services only', (_name, tester) => {
    const filter = tester().get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(service)).toBe(true);
    expect(filter?.({ ...service, spec: { type: 'website' } })).toBe(false);
    expect(filter?.({ ...service, kind: 'API' })).toBe(false);
  });

  it.each([
    ['estate', () => createExtensionTester(entityGitopsEstateCard)],
    ['estate-cost', () => createExtensionTester(entityGitopsEstateCostCard)],
    [
      'estate-backup',
      () => createExtensionTester(entityGitopsEstateBackupCard),
    ],
    ['dora', () => createExtensionTester(entityGitopsDoraCard)],
  ])('shows the %s card on Group and System pages only', (_name, tester) => {
    const filter = tester().get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(teamPaymentsEntity)).toBe(true);
    expect(filter?.({ ...teamPaymentsEntity, kind: 'System' })).toBe(true);
    expect(filter?.(service)).toBe(false);
  });

  it("shows a service's DORA card on services only", () => {
    const filter = createExtensionTester(entityGitopsServiceDoraCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );
    expect(filter?.(service)).toBe(true);
    expect(filter?.(teamPaymentsEntity)).toBe(false);
  });

  it('renders the estate card extension on a group page', async () => {
    const tester = createExtensionTester(entityGitopsEstateCard);
    renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, mockGitopsApi()]]}>
        <EntityProvider entity={teamPaymentsEntity}>
          {tester.reactElement()}
        </EntityProvider>
      </TestApiProvider>,
      // The catalog binds it in an app: the services link to their pages.
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByTestId(
        'estate-cell-component:default/payments-api-staging',
      ),
    ).toHaveTextContent('1.3.2');
  });

  it('renders the environments card extension', async () => {
    const tester = createExtensionTester(entityGitopsEnvironmentsCard);
    renderInTestApp(
      <TestApiProvider apis={[[gitopsApiRef, mockGitopsApi()]]}>
        <EntityProvider entity={service}>
          {tester.reactElement()}
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('version-staging')).toHaveTextContent(
      '1.3.2',
    );
  });
});
