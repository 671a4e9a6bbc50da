import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { migrateLatest } from '../util/migrateLatest';
import type { GateResult, PromotionRecord, PromotionState } from './types';

export type LockKey = { entityRef: string; env: string };

/** Persistence of promotions and of the cross-replica promotion locks. */
export interface PromotionStore {
  insert(record: PromotionRecord): Promise<void>;
  get(id: string): Promise<PromotionRecord | undefined>;
  /**
   * Updates a promotion. With `expectStates`, only when it is in one of them (else a
   * ConflictError): two replicas cannot both move it out of the same state.
   */
  update(
    id: string,
    patch: Partial<Omit<PromotionRecord, 'id' | 'createdAt'>>,
    options?: { expectStates?: PromotionState[] },
  ): Promise<PromotionRecord>;
  /** Newest first. */
  list(
    entityRef: string,
    options?: { includePreviews?: boolean; limit?: number },
  ): Promise<PromotionRecord[]>;
  findByStates(
    states: PromotionState[],
    filter?: { entityRef?: string; toEnv?: string },
  ): Promise<PromotionRecord[]>;
  /** Takes the lock when free or expired; true when `holder` now holds it. */
  tryAcquireLock(
    key: LockKey,
    holder: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<boolean>;
  /** Extends a lock `holder` still holds; false when it lost it. */
  renewLock(
    key: LockKey,
    holder: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<boolean>;
  releaseLock(key: LockKey, holder: string): Promise<void>;
}

type Row = {
  id: string;
  kind: string;
  entity_ref: string;
  from_env: string;
  to_env: string;
  version: string;
  previous_version: string | null;
  requester: string;
  approver: string | null;
  state: string;
  mode: string;
  commit_sha: string | null;
  base_sha: string | null;
  pr_url: string | null;
  branch: string | null;
  gate_results: string;
  files: string | null;
  rollback_of: string | null;
  error: string | null;
  created_at: string | Date | number;
  updated_at: string | Date | number;
};

const iso = (value: string | Date | number) => new Date(value).toISOString();
const opt = <T>(v: T | null | undefined) => (v === null ? undefined : v);

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function fromRow(row: Row): PromotionRecord {
  return {
    id: row.id,
    kind: row.kind === 'rollback' ? 'rollback' : 'promotion',
    entityRef: row.entity_ref,
    fromEnv: row.from_env,
    toEnv: row.to_env,
    version: row.version,
    previousVersion: opt(row.previous_version),
    requester: row.requester,
    approver: opt(row.approver),
    state: row.state as PromotionState,
    mode: row.mode === 'pull-request' ? 'pull-request' : 'commit',
    commitSha: opt(row.commit_sha),
    baseSha: opt(row.base_sha),
    prUrl: opt(row.pr_url),
    branch: opt(row.branch),
    gateResults: parseJson<GateResult[]>(row.gate_results, []),
    files: parseJson<string[]>(row.files, []),
    rollbackOf: opt(row.rollback_of),
    error: opt(row.error),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function toRow(
  r: Partial<Omit<PromotionRecord, 'id'>> & { id?: string },
): Partial<Row> {
  const row: Partial<Row> = {};
  const set = <K extends keyof Row>(key: K, value: Row[K] | undefined) => {
    if (value !== undefined) row[key] = value;
  };
  set('id', r.id);
  set('kind', r.kind);
  set('entity_ref', r.entityRef);
  set('from_env', r.fromEnv);
  set('to_env', r.toEnv);
  set('version', r.version);
  set('previous_version', r.previousVersion);
  set('requester', r.requester);
  set('approver', r.approver);
  set('state', r.state);
  set('mode', r.mode);
  set('commit_sha', r.commitSha);
  set('base_sha', r.baseSha);
  set('pr_url', r.prUrl);
  set('branch', r.branch);
  set('gate_results', r.gateResults && JSON.stringify(r.gateResults));
  set('files', r.files && JSON.stringify(r.files));
  set('rollback_of', r.rollbackOf);
  set('error', r.error);
  set('created_at', r.createdAt);
  set('updated_at', r.updatedAt);
  return row;
}

export const PROMOTIONS_TABLE = 'promotions';
export const LOCKS_TABLE = 'promotion_locks';

/** The knex migrations of the promotion tables. */
export function promotionMigrationsDirectory() {
  return resolvePackagePath(
    '@internal/backstage-plugin-gitops-backend',
    'migrations',
  );
}

/** PromotionStore in the plugin's database (SQLite, PostgreSQL). */
export class DatabasePromotionStore implements PromotionStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabasePromotionStore> {
    const knex = await options.database.getClient();
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    return DatabasePromotionStore.fromKnex(knex, { skipMigrations: skip });
  }

  static async fromKnex(
    knex: Knex,
    options: { skipMigrations?: boolean } = {},
  ): Promise<DatabasePromotionStore> {
    if (!options.skipMigrations) {
      await migrateLatest(knex, {
        directory: promotionMigrationsDirectory(),
        tableName: 'gitops_promotion_migrations',
      });
    }
    return new DatabasePromotionStore(knex);
  }

  private constructor(private readonly db: Knex) {}

  async insert(record: PromotionRecord): Promise<void> {
    await this.db(PROMOTIONS_TABLE).insert(toRow(record));
  }

  async get(id: string): Promise<PromotionRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.db<Row>(PROMOTIONS_TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async update(
    id: string,
    patch: Partial<Omit<PromotionRecord, 'id' | 'createdAt'>>,
    options: { expectStates?: PromotionState[] } = {},
  ): Promise<PromotionRecord> {
    let query = this.db(PROMOTIONS_TABLE).where({ id });
    if (options.expectStates) {
      query = query.whereIn('state', options.expectStates);
    }
    const count = await query.update(toRow(patch));
    if (count === 0) {
      const current = await this.get(id);
      if (!current) throw new NotFoundError(`promotion ${id} not found`);
      throw new ConflictError(
        `promotion ${id} is ${
          current.state
        }, expected ${options.expectStates?.join(' or ')}`,
      );
    }
    return (await this.get(id))!;
  }

  async list(
    entityRef: string,
    options: { includePreviews?: boolean; limit?: number } = {},
  ): Promise<PromotionRecord[]> {
    let query = this.db<Row>(PROMOTIONS_TABLE)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'updated_at', order: 'desc' },
      ])
      .limit(options.limit ?? 100);
    if (!options.includePreviews) query = query.whereNot('state', 'previewed');
    return (await query).map(fromRow);
  }

  async findByStates(
    states: PromotionState[],
    filter: { entityRef?: string; toEnv?: string } = {},
  ): Promise<PromotionRecord[]> {
    let query = this.db<Row>(PROMOTIONS_TABLE)
      .whereIn('state', states)
      .orderBy('created_at', 'asc');
    if (filter.entityRef) query = query.where('entity_ref', filter.entityRef);
    if (filter.toEnv) query = query.where('to_env', filter.toEnv);
    return (await query).map(fromRow);
  }

  async tryAcquireLock(
    key: LockKey,
    holder: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<boolean> {
    const where = { entity_ref: key.entityRef, env: key.env };
    const expiresAt = nowMs + ttlMs;
    // Take over an expired lock: a conditional update, so only one taker matches.
    await this.db(LOCKS_TABLE)
      .where(where)
      .andWhere('expires_at', '<', nowMs)
      .update({ holder, expires_at: expiresAt });
    // Or create it; an existing row (someone else's, or the one just taken over) stays.
    await this.db(LOCKS_TABLE)
      .insert({ ...where, holder, expires_at: expiresAt })
      .onConflict(['entity_ref', 'env'])
      .ignore();
    const row = await this.db(LOCKS_TABLE).where(where).first();
    return row?.holder === holder;
  }

  async renewLock(
    key: LockKey,
    holder: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<boolean> {
    const count = await this.db(LOCKS_TABLE)
      .where({ entity_ref: key.entityRef, env: key.env, holder })
      .update({ expires_at: nowMs + ttlMs });
    return count > 0;
  }

  async releaseLock(key: LockKey, holder: string): Promise<void> {
    await this.db(LOCKS_TABLE)
      .where({ entity_ref: key.entityRef, env: key.env, holder })
      .delete();
  }
}
