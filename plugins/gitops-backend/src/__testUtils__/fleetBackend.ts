import {
  createServiceFactory,
  coreServices,
  type LoggerService,
  type BackendFeature,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  signalsServiceRef,
  type SignalPayload,
} from '@backstage/plugin-signals-node';
import { startFleet, type Fleet } from '@internal/fleet-simulator';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { gitopsPlugin } from '../plugin';
import { gitopsClockServiceRef } from '../util/clock';
import { tlsFetch, upstreamTls } from '../util/tls';

export const OWNER = 'user:default/owner';
export const STRANGER = 'user:default/stranger';

/** A catalog component annotated the way the users' catalogs are. */
export function component(
  name: string,
  annotations: Record<string, string> = {
    'argocd/app-selector': `app=${name}`,
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: OWNER },
    // What the catalog's stitching adds, and what `isEntityOwner` reads.
    relations: [{ type: 'ownedBy', targetRef: OWNER }],
  };
}

export const SEED_ENTITIES = ['payments-api', 'chores-api', 'schedule-bot'].map(
  n => component(n),
);

/** A logger that keeps every line, to check that no secret is ever logged. */
export function capturingLogger(lines: string[]): LoggerService {
  const make = (meta: Record<string, unknown> = {}): LoggerService => {
    const log = (level: string) => (message: string, extra?: unknown) => {
      lines.push(
        `${level} ${message} ${JSON.stringify(meta)} ${
          extra instanceof Error
            ? `${extra.message} ${extra.stack}`
            : JSON.stringify(extra ?? {})
        }`,
      );
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (m: Record<string, unknown>) => make({ ...meta, ...m }),
    } as LoggerService;
  };
  return make();
}

/** A SignalsService that records what is published, instead of sending it. */
export function capturingSignals(signals: SignalPayload<any>[]) {
  return createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      publish: async (signal: SignalPayload<any>) => {
        signals.push(signal);
      },
    }),
  });
}

/** A NotificationService that records what is sent (the notifications backend's boundary). */
export function capturingNotificationService(sent: NotificationSendOptions[]) {
  return createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({
      send: async (options: NotificationSendOptions) => {
        sent.push(structuredClone(options));
      },
    }),
  });
}

/** The root logger of a test backend, writing every line to `logs`. */
export function capturingRootLogger(logs: string[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => capturingLogger(logs) as any,
  });
}

/** The fleet's CA as an upstream's config key (none on a plain-HTTP fleet). */
export const fleetCa = (fleet: Fleet): { caCert?: string } =>
  fleet.tls ? { caCert: fleet.tls.caCert } : {};

/** A fetch that trusts the fleet's CA, as the plugin's own for an upstream with `caCert`. */
export const fleetFetch = (fleet: Fleet) =>
  tlsFetch(upstreamTls('fleet', 'fleet', 'test', fleetCa(fleet)));

export async function startTestFleet(
  options: Parameters<typeof startFleet>[0] extends infer O
    ? Partial<O>
    : never = {},
): Promise<{ fleet: Fleet; dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-backend-'));
  const fleet = await startFleet({ dir, clock: 'manual', ...options });
  return {
    fleet,
    dir,
    cleanup: async () => {
      await fleet.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The app's policy in small: everyone reads; the GitOps actions only for the entity's owners,
 * as a conditional decision over the catalog's `isEntityOwner` rule (applied to the entity by
 * the plugin itself), and decided directly for `authorize` (what writes use).
 */
export function ownerPermissions(
  entities: Entity[],
  options: { hidden?: string[]; denied?: string[] } = {},
) {
  const userOf = (credentials: { principal: unknown }) =>
    (credentials.principal as { userEntityRef?: string }).userEntityRef;
  return mockServices.permissions.mock({
    authorize: (async (
      requests: AuthorizePermissionRequest[],
      opts: { credentials: { principal: unknown } },
    ) =>
      requests.map(r => {
        const ref = String((r as { resourceRef?: string }).resourceRef);
        const entity = entities.find(
          e => `component:default/${e.metadata.name}` === ref.toLowerCase(),
        );
        if (r.permission.name === 'catalog.entity.read') {
          const hidden = options.hidden?.includes(entity?.metadata.name ?? '');
          return {
            result: hidden ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
          };
        }
        if (options.denied?.includes(r.permission.name)) {
          return { result: AuthorizeResult.DENY };
        }
        const owner = (entity?.spec as { owner?: string } | undefined)?.owner;
        return {
          result:
            owner && userOf(opts.credentials) === owner
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      })) as any,
    authorizeConditional: (async (
      queries: Array<{ permission: any }>,
      opts: { credentials: { principal: unknown } },
    ) =>
      queries.map(q => {
        if (q.permission.name === 'catalog.entity.read') {
          return options.hidden?.length
            ? createCatalogConditionalDecision(q.permission, {
                not: {
                  anyOf: options.hidden.map(name =>
                    catalogConditions.hasMetadata({ key: 'name', value: name }),
                  ) as [any, ...any[]],
                },
              })
            : { result: AuthorizeResult.ALLOW };
        }
        if (options.denied?.includes(q.permission.name)) {
          return { result: AuthorizeResult.DENY };
        }
        return createCatalogConditionalDecision(
          q.permission,
          catalogConditions.isEntityOwner({
            claims: [userOf(opts.credentials) ?? ''],
          }),
        );
      })) as any,
  });
}

export type GitopsTestBackend = Awaited<ReturnType<typeof startGitopsBackend>>;

/** The plugin in a test backend, pointed at the fleet, with its scheduler, logs and signals. */
export async function startGitopsBackend(options: {
  fleet?: Fleet;
  gitops?: (gitops: any) => any;
  entities?: Entity[];
  logs?: string[];
  /** Entities the permission policy hides from readers (catalog.entity.read). */
  hiddenEntities?: string[];
  /** Permissions (by name) the policy denies to everyone, owners included. */
  deniedPermissions?: string[];
  /** Don't wait for the sources to be read before answering (default: wait). */
  cold?: boolean;
  /** The plugin's clock: the fleet's (default when there is a fleet) or the system's. */
  clock?: 'fleet' | 'system';
  auditor?: ReturnType<typeof mockServices.auditor.mock>;
  extraFeatures?: BackendFeature[];
  /** More app config beside `gitops` (e.g. `backend.actions`). */
  config?: Record<string, unknown>;
}) {
  const entities = options.entities ?? SEED_ENTITIES;
  const base = options.fleet
    ? (options.fleet.appConfig() as { gitops: any })
    : { gitops: undefined };
  let gitops = base.gitops ? { ...base.gitops } : undefined;
  if (options.gitops) gitops = options.gitops(gitops);
  // mockServices.scheduler() is a MockSchedulerService; its type only says SchedulerService.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options?: {
      skipTaskRunOnStartup?: boolean;
      includeInitialDelayedTasksOnStartup?: boolean;
    }): ServiceFactory<SchedulerService, 'plugin', 'singleton'>;
  };
  const signals: SignalPayload[] = [];
  const notifications: NotificationSendOptions[] = [];
  const logs = options.logs ?? [];
  const fleet = options.fleet;
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      ...(options.extraFeatures ?? []),
      mockServices.rootConfig.factory({
        data: { ...options.config, ...(gitops ? { gitops } : {}) },
      }),
      // Cost totals are read on a schedule: the test backend reads them at start.
      scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
      ...(options.auditor ? [options.auditor.factory] : []),
      catalogServiceMock.factory({ entities }),
      ownerPermissions(entities, {
        hidden: options.hiddenEntities,
        denied: options.deniedPermissions,
      }).factory,
      capturingSignals(signals),
      capturingNotificationService(notifications),
      // Every log line of the backend (plugin, router, auditor) ends up in `logs`.
      capturingRootLogger(logs),
      ...(fleet && options.clock !== 'system'
        ? [
            createServiceFactory({
              service: gitopsClockServiceRef,
              deps: {},
              factory: () => ({ now: () => fleet.clock.now() }),
            }),
          ]
        : []),
    ],
  });
  const result = Object.assign(backend, {
    scheduler,
    signals,
    notifications,
    logs,
  });
  if (gitops && !options.cold) await untilReady(result, entities[0]);
  return result;
}

/** Polls `check` until it answers true (or throws its last failure after `timeoutMs`). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 25));
  }
}

export const overviewPath = (name: string, query = '') =>
  `/api/gitops/entities/component/default/${name}/overview${query}`;

/** Resolves once the entity's overview shows every source read (the informers have listed). */
export async function untilReady(
  backend: { server: Parameters<typeof request>[0] },
  entity: Entity,
) {
  await waitFor(
    async () => {
      const res = await request(backend.server).get(
        overviewPath(entity.metadata.name),
      );
      const sources = (res.body?.sources ?? []) as Array<{ status: string }>;
      return (
        res.status === 200 &&
        sources.length > 0 &&
        sources.every(s => s.status === 'ok')
      );
    },
    30_000,
    `${entity.metadata.name}'s sources to be read`,
  );
}

/**
 * Finishes the canary a seeded Rollout app waits in (schedule-bot-dev is paused at its first
 * step): Argo CD's `promote-full` resource action, then the controller's time to scale up.
 */
export async function finishCanary(
  fleet: Fleet,
  app = 'schedule-bot-dev',
  instance = 'argocd-main',
) {
  const argo = fleet.argo.find(a => a.name === instance)!;
  const doFetch = fleetFetch(fleet);
  const res = await doFetch(
    `${argo.url}/api/v1/applications/${app}/resource/actions/v2`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${argo.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        namespace: app,
        resourceName: app.replace(/-(dev|staging|prod)$/, ''),
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Rollout',
        action: 'promote-full',
      }),
    },
  );
  if (!res.ok) throw new Error(`promote-full of ${app}: HTTP ${res.status}`);
  for (let i = 0; i < 6; i++) await fleet.clock.advance(5_000);
}

/**
 * A simulated fleet and the plugin's backend on it for one `describe` block: started in
 * `beforeAll`, stopped in `afterAll`. Read `env.fleet` and `env.backend` inside the tests.
 */
export function useFleetBackend(
  options: {
    fleet?: Parameters<typeof startTestFleet>[0];
    backend?: Omit<Parameters<typeof startGitopsBackend>[0], 'fleet'>;
  } = {},
) {
  const env = {} as { fleet: Fleet; backend: GitopsTestBackend };
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await startTestFleet(options.fleet);
    env.fleet = started.fleet;
    cleanup = started.cleanup;
    env.backend = await startGitopsBackend({
      ...options.backend,
      fleet: env.fleet,
    });
  });
  afterAll(async () => {
    await env.backend?.stop();
    await cleanup?.();
  });
  return env;
}
