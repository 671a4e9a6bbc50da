import type {
  ApplicationSummary,
  EnvironmentBackup,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import knexFactory, { type Knex } from 'knex';
import type { OverviewContent } from '../../views/overviewBuilder';
import { notificationsConfigSchema } from '../config';

export const REF = 'component:default/payments-api';

/** One application as the overview shows it: Synced, Healthy, auto-sync on, unless told. */
export function app(
  name: string,
  over: Partial<ApplicationSummary> = {},
): ApplicationSummary {
  return {
    instance: 'argocd-prod',
    name,
    environment: 'prod',
    sync: 'Synced',
    health: 'Healthy',
    images: ['registry.example.com/payments-api:1.3.0'],
    autoSync: true,
    ...over,
  };
}

export const okSources = (
  status: SourceStatus['status'] = 'ok',
): SourceStatus[] => [
  { kind: 'deployment', provider: 'argocd', name: 'argocd-prod', status },
  { kind: 'backup', provider: 'velero', name: 'cluster-prod', status: 'ok' },
];

export function backup(
  over: Partial<EnvironmentBackup> = {},
): EnvironmentBackup {
  return {
    schedules: [],
    failures: [],
    uncoveredNamespaces: [],
    unavailableLocations: [],
    ...over,
  };
}

export function content(
  apps: ApplicationSummary[],
  options: { sources?: SourceStatus[]; backup?: EnvironmentBackup } = {},
): OverviewContent {
  return {
    entityRef: REF,
    environments: [
      {
        name: 'prod',
        applications: apps,
        version: {},
        ...(options.backup ? { backup: options.backup } : {}),
      },
    ],
    sources: options.sources ?? okSources(),
    promotionsConfigured: false,
  };
}

export const config = (over: Record<string, unknown> = {}) =>
  notificationsConfigSchema.parse(over);

/** A NotificationService that keeps what it is asked to send. */
export function capturingNotifications(sent: NotificationSendOptions[]) {
  return {
    send: async (options: NotificationSendOptions) => {
      sent.push(structuredClone(options));
    },
  };
}

/** A SQLite database as the plugin's (one file, so several clients can share it). */
export function sqlite(filename = ':memory:'): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
  });
}
