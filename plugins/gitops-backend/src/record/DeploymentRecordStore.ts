import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type { HealthStatus } from '@internal/backstage-plugin-gitops-common';
import type { Knex } from 'knex';
import { migrateLatest } from '../util/migrateLatest';
import type { DeploymentRow, HealthRow } from './recordRows';

const DEPLOYMENTS = 'gitops_deployments';
const HEALTH = 'gitops_health_transitions';
/** Keys per `where in`: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 400;

type DeploymentDbRow = {
  record_key: string;
  app_key: string;
  instance: string;
  app_namespace: string;
  application: string;
  environment: string;
  revision: string;
  images: string;
  started_at: string | null;
  finished_at: string;
  initiated_by: string | null;
  result: string;
  operation: string | null;
  history_id: number | null;
  promotion_id: string | null;
  commit_at: string | null;
};

type HealthDbRow = {
  record_key: string;
  app_key: string;
  environment: string;
  health: string;
  previous: string | null;
  at: string;
};

const chunks = <T>(items: T[]) => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    out.push(items.slice(i, i + CHUNK));
  }
  return out;
};

function parseImages(text: string): string[] {
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value.filter(v => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toDeployment(row: DeploymentDbRow): DeploymentRow {
  return {
    key: row.record_key,
    appKey: row.app_key,
    instance: row.instance,
    appNamespace: row.app_namespace,
    application: row.application,
    environment: row.environment,
    revision: row.revision,
    images: parseImages(row.images),
    ...(row.started_at ? { startedAt: row.started_at } : {}),
    finishedAt: row.finished_at,
    ...(row.initiated_by ? { initiatedBy: row.initiated_by } : {}),
    result: row.result as DeploymentRow['result'],
    ...(row.operation
      ? { operation: row.operation as DeploymentRow['operation'] }
      : {}),
    ...(row.history_id !== null ? { historyId: Number(row.history_id) } : {}),
    ...(row.promotion_id ? { promotionId: row.promotion_id } : {}),
    ...(row.commit_at ? { commitAt: row.commit_at } : {}),
  };
}

/**
 * The deployment record in the plugin's database. Every replica writes what it sees; a row's
 * key comes from the upstream's own data, so `insert … on conflict ignore` stores it once
 * whoever writes first, and a replay of the stream or a resync writes nothing new.
 */
export class DeploymentRecordStore {
  static async create(
    database: DatabaseService,
    now: () => Date,
  ): Promise<DeploymentRecordStore> {
    const knex = await database.getClient();
    return DeploymentRecordStore.fromKnex(knex, now, {
      skipMigrations: database.migrations?.skip ?? false,
    });
  }

  static async fromKnex(
    knex: Knex,
    now: () => Date,
    options: { skipMigrations?: boolean } = {},
  ): Promise<DeploymentRecordStore> {
    if (!options.skipMigrations) {
      await migrateLatest(knex, {
        directory: resolvePackagePath(
          '@internal/backstage-plugin-gitops-backend',
          'migrations/record',
        ),
        tableName: 'gitops_record_migrations',
      });
    }
    return new DeploymentRecordStore(knex, now);
  }

  private constructor(
    private readonly db: Knex,
    private readonly now: () => Date,
  ) {}

  /** Which of these keys the record holds already. */
  async existing(keys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(keys)) {
      const rows = await this.db(DEPLOYMENTS)
        .whereIn('record_key', part)
        .select('record_key');
      for (const r of rows) found.add(r.record_key);
    }
    return found;
  }

  /** Stores the rows the record lacks; a row another replica stored first is left as it is. */
  async insertDeployments(rows: DeploymentRow[]): Promise<void> {
    const recordedAt = this.now().toISOString();
    for (const part of chunks(rows)) {
      await this.db(DEPLOYMENTS)
        .insert(
          part.map(r => ({
            record_key: r.key,
            app_key: r.appKey,
            instance: r.instance,
            app_namespace: r.appNamespace,
            application: r.application,
            environment: r.environment,
            revision: r.revision,
            images: JSON.stringify(r.images),
            started_at: r.startedAt ?? null,
            finished_at: r.finishedAt,
            initiated_by: r.initiatedBy ?? null,
            result: r.result,
            operation: r.operation ?? null,
            history_id: r.historyId ?? null,
            promotion_id: r.promotionId ?? null,
            commit_at: r.commitAt ?? null,
            recorded_at: recordedAt,
          })),
        )
        .onConflict('record_key')
        .ignore();
    }
  }

  async insertHealth(rows: HealthRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      await this.db(HEALTH)
        .insert(
          part.map(r => ({
            record_key: r.key,
            app_key: r.appKey,
            environment: r.environment,
            health: r.health,
            previous: r.previous ?? null,
            at: r.at,
          })),
        )
        .onConflict('record_key')
        .ignore();
    }
  }

  /**
   * The deployments of these applications, newest first: finished at or after `since`, only
   * `results`, at most `limit`.
   */
  async deployments(
    appKeys: string[],
    options: {
      since?: string;
      results?: DeploymentRow['result'][];
      limit?: number;
    } = {},
  ): Promise<DeploymentRow[]> {
    const out: DeploymentRow[] = [];
    for (const part of chunks([...new Set(appKeys)])) {
      let query = this.db<DeploymentDbRow>(DEPLOYMENTS).whereIn(
        'app_key',
        part,
      );
      if (options.since)
        query = query.where('finished_at', '>=', options.since);
      if (options.results) query = query.whereIn('result', options.results);
      query = query.orderBy('finished_at', 'desc');
      if (options.limit) query = query.limit(options.limit);
      out.push(...(await query.select()).map(toDeployment));
    }
    out.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
    return options.limit ? out.slice(0, options.limit) : out;
  }

  /** Health transitions of these applications at or after `since`, oldest first. */
  async health(appKeys: string[], since: string): Promise<HealthRow[]> {
    const out: HealthRow[] = [];
    for (const part of chunks([...new Set(appKeys)])) {
      const rows = await this.db<HealthDbRow>(HEALTH)
        .whereIn('app_key', part)
        .where('at', '>=', since)
        .select();
      for (const r of rows) {
        out.push({
          key: r.record_key,
          appKey: r.app_key,
          environment: r.environment,
          health: r.health as HealthStatus,
          ...(r.previous ? { previous: r.previous as HealthStatus } : {}),
          at: r.at,
        });
      }
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}
