import { ReactElement } from 'react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { alertApiRef, type AlertApi } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import type {
  EntityHistory,
  EntityOverview,
  EntityResources,
} from '@internal/backstage-plugin-gitops-common';
import { GitopsApi, gitopsApiRef } from '../api';
import { paymentsEntity, paymentsOverview } from './fixtures';

/** A GitopsApi whose methods are jest mocks, answering with the fixture by default. */
export function mockGitopsApi(
  overview: EntityOverview | Error = paymentsOverview(),
): jest.Mocked<GitopsApi> {
  return {
    getOverview: jest.fn(
      async (
        _entity: CompoundEntityRef,
        _options?: { costWindow?: string },
      ) => {
        if (overview instanceof Error) throw overview;
        return overview;
      },
    ),
    getHistory: jest.fn(
      async (_entity: CompoundEntityRef): Promise<EntityHistory> => ({
        entityRef: 'component:default/payments-api',
        entries: [],
        sources: [],
      }),
    ),
    getResources: jest.fn(
      async (_entity: CompoundEntityRef): Promise<EntityResources> => ({
        entityRef: 'component:default/payments-api',
        applications: [],
        sources: [],
      }),
    ),
    runApplicationAction: jest.fn(),
    previewPromotion: jest.fn(),
    createPromotion: jest.fn(),
    listPromotions: jest.fn(async (_entity: CompoundEntityRef) => ({
      items: [],
    })),
    approvePromotion: jest.fn(),
  };
}

/** An AlertApi whose `post` is a jest mock (the test app shows no alerts). */
export function mockAlertApi(): jest.Mocked<AlertApi> {
  return {
    post: jest.fn(),
    alert$: jest.fn(() => ({
      subscribe: () => ({ unsubscribe: () => {}, closed: false }),
      [Symbol.observable]() {
        return this;
      },
    })),
  } as unknown as jest.Mocked<AlertApi>;
}

/** Renders a card for an entity with the given API and permission decision. */
export function renderWithGitops(
  element: ReactElement,
  options: {
    api?: GitopsApi;
    entity?: Entity;
    allow?: boolean;
    alertApi?: AlertApi;
  } = {},
) {
  const api = options.api ?? mockGitopsApi();
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [alertApiRef, options.alertApi ?? mockAlertApi()],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.allow === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={options.entity ?? paymentsEntity}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
  );
}
