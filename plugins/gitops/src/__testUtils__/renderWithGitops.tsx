import { ReactElement } from 'react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { alertApiRef, type AlertApi } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import type {
  DoraFigures,
  EntityCostTrend,
  EntityEstate,
  EntityDiffs,
  EntityEvents,
  EntityHistory,
  EntityOverview,
  EntityResources,
  EntityRollouts,
  PromotionListResponse,
  VersionCost,
} from '@internal/backstage-plugin-gitops-common';
import { GitopsApi, gitopsApiRef } from '../api';
import {
  paymentsCostTrend,
  paymentsEntity,
  paymentsOverview,
} from './fixtures';
import {
  doraFigures,
  teamPaymentsCostTrend,
  teamPaymentsEstate,
} from './estateFixtures';

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
    getCostTrend: jest.fn(
      async (
        _entity: CompoundEntityRef,
        options: { window: string },
      ): Promise<EntityCostTrend> => paymentsCostTrend(options.window),
    ),
    getEvents: jest.fn(
      async (_entity: CompoundEntityRef): Promise<EntityEvents> => ({
        entityRef: 'component:default/payments-api',
        applications: [],
      }),
    ),
    // No application in the answer by default: a test that opens a diff gives it one.
    getDiff: jest.fn(
      async (_entity: CompoundEntityRef): Promise<EntityDiffs> => ({
        entityRef: 'component:default/payments-api',
        applications: [],
      }),
    ),
    runApplicationAction: jest.fn(),
    // No Rollouts by default, as for most services.
    getRollouts: jest.fn(
      async (_entity: CompoundEntityRef): Promise<EntityRollouts> => ({
        entityRef: 'component:default/payments-api',
        applications: [],
      }),
    ),
    runRolloutAction: jest.fn(),
    // A version that ran less than a day, as right after a promotion.
    getVersionCost: jest.fn(
      async (
        _entity: CompoundEntityRef,
        options: { environment: string; version: string },
      ): Promise<VersionCost> => ({
        entityRef: 'component:default/payments-api',
        ...options,
        state: 'not-enough-data',
        reason: `${options.version} has run less than a full day`,
        sources: [],
      }),
    ),
    previewPromotion: jest.fn(),
    createPromotion: jest.fn(),
    listPromotions: jest.fn(
      async (_entity: CompoundEntityRef): Promise<PromotionListResponse> => ({
        configured: true,
        items: [],
      }),
    ),
    approvePromotion: jest.fn(),
    getEstate: jest.fn(
      async (
        _entity: CompoundEntityRef,
        _options: { window: string },
      ): Promise<EntityEstate> => teamPaymentsEstate(),
    ),
    getEstateCostTrend: jest.fn(
      async (
        _entity: CompoundEntityRef,
        options: { window: string },
      ): Promise<EntityCostTrend> => teamPaymentsCostTrend(options.window),
    ),
    getEstateCostCsv: jest.fn(
      async (_entity: CompoundEntityRef, options: { window: string }) => ({
        blob: new Blob(['service,environment,total\n'], { type: 'text/csv' }),
        filename: `team-payments-cost-${options.window}.csv`,
      }),
    ),
    getDora: jest.fn(
      async (
        _entity: CompoundEntityRef,
        options: { days: 30 | 90 },
      ): Promise<DoraFigures> => doraFigures(options.days),
    ),
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

/**
 * Renders a card for an entity with the given API. No permission API is provided: what the user
 * may do comes with the overview (`permissions`), so a card asking the permission API would fail.
 */
export function renderWithGitops(
  element: ReactElement,
  options: {
    api?: GitopsApi;
    entity?: Entity;
    alertApi?: AlertApi;
    signalApi?: SignalApi;
  } = {},
) {
  const api = options.api ?? mockGitopsApi();
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, api],
        [alertApiRef, options.alertApi ?? mockAlertApi()],
        ...(options.signalApi
          ? [[signalApiRef, options.signalApi] as const]
          : []),
      ]}
    >
      <EntityProvider entity={options.entity ?? paymentsEntity}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
    // Links to other entities (the estate's services) need the catalog's entity route.
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
