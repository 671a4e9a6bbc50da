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
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  signalsServiceRef,
  type SignalPayload,
} from '@backstage/plugin-signals-node';
import { startFleet, type Fleet } from '@internal/fleet-simulator';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitopsPlugin } from '../plugin';
import { gitopsClockServiceRef } from '../util/clock';

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

/** The root logger of a test backend, writing every line to `logs`. */
export function capturingRootLogger(logs: string[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => capturingLogger(logs) as any,
  });
}

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

/** Owners may act on their entities; anyone else is denied. */
export function ownerPermissions(entities: Entity[]) {
  return mockServices.permissions.mock({
    authorize: (async (
      requests: AuthorizePermissionRequest[],
      options: { credentials: { principal: unknown } },
    ) =>
      requests.map(r => {
        const principal = options.credentials.principal as {
          userEntityRef?: string;
        };
        const entity = entities.find(
          e =>
            `component:default/${e.metadata.name}` ===
            String((r as { resourceRef?: string }).resourceRef).toLowerCase(),
        );
        const owner = (entity?.spec as { owner?: string } | undefined)?.owner;
        return {
          result:
            owner && principal.userEntityRef === owner
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
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
  /** Leave the snapshot empty at start-up (no scheduled run). */
  skipStartupRefresh?: boolean;
  /** The plugin's clock: the fleet's (default when there is a fleet) or the system's. */
  clock?: 'fleet' | 'system';
  auditor?: ReturnType<typeof mockServices.auditor.mock>;
  extraFeatures?: BackendFeature[];
}) {
  const entities = options.entities ?? SEED_ENTITIES;
  const base = options.fleet
    ? (options.fleet.appConfig() as { gitops: any })
    : { gitops: undefined };
  let gitops = base.gitops
    ? {
        ...base.gitops,
        argocd: { ...base.gitops.argocd, watch: false },
        velero: { ...base.gitops.velero, watch: false },
      }
    : undefined;
  if (options.gitops) gitops = options.gitops(gitops);
  // mockServices.scheduler() is a MockSchedulerService; its type only says SchedulerService.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(options?: {
      skipTaskRunOnStartup?: boolean;
      includeInitialDelayedTasksOnStartup?: boolean;
    }): ServiceFactory<SchedulerService, 'plugin', 'singleton'>;
  };
  const signals: SignalPayload[] = [];
  const logs = options.logs ?? [];
  const fleet = options.fleet;
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      ...(options.extraFeatures ?? []),
      mockServices.rootConfig.factory({
        data: gitops ? { gitops } : {},
      }),
      scheduler.factory({
        skipTaskRunOnStartup: options.skipStartupRefresh,
        // Refreshes are spread over the interval with initial delays; the test backend starts warm.
        includeInitialDelayedTasksOnStartup: true,
      }),
      ...(options.auditor ? [options.auditor.factory] : []),
      catalogServiceMock.factory({ entities }),
      ownerPermissions(entities).factory,
      capturingSignals(signals),
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
  return Object.assign(backend, { scheduler, signals, logs });
}
