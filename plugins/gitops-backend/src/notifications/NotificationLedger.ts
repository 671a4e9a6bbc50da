import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { migrateLatest } from '../util/migrateLatest';

const TABLE = 'gitops_notification_conditions';

export type OpenCondition = { scope: string; entityRef: string };

/**
 * Which conditions the owners were told of, shared by every replica through the plugin's
 * database. A replica sends only after it won the row's transition (a conditional update that
 * changes one row for exactly one replica), so a condition goes out once however many replicas
 * see it.
 */
export class NotificationLedger {
  static async create(database: DatabaseService): Promise<NotificationLedger> {
    const knex = await database.getClient();
    return NotificationLedger.fromKnex(knex, {
      skipMigrations: database.migrations?.skip ?? false,
    });
  }

  static async fromKnex(
    knex: Knex,
    options: { skipMigrations?: boolean } = {},
  ): Promise<NotificationLedger> {
    if (!options.skipMigrations) {
      await migrateLatest(knex, {
        directory: resolvePackagePath(
          '@internal/backstage-plugin-gitops-backend',
          'migrations/notifications',
        ),
        tableName: 'gitops_notification_migrations',
      });
    }
    return new NotificationLedger(knex);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Opens a condition (or a new occurrence of an open one); true for the one caller that did,
   * false when it was open with that occurrence already.
   */
  async claimOpen(c: {
    scope: string;
    entityRef: string;
    topic: string;
    occurrence?: string;
    at: Date;
  }): Promise<boolean> {
    const occurrence = c.occurrence ?? '';
    await this.db(TABLE)
      .insert({
        scope: c.scope,
        entity_ref: c.entityRef,
        topic: c.topic,
        state: 'resolved',
        occurrence: '',
        updated_at: c.at.toISOString(),
      })
      .onConflict('scope')
      .ignore();
    const changed = await this.db(TABLE)
      .where({ scope: c.scope })
      .andWhere(q => q.whereNot({ state: 'open' }).orWhereNot({ occurrence }))
      .update({ state: 'open', occurrence, updated_at: c.at.toISOString() });
    return changed === 1;
  }

  /** Resolves an open condition; true for the one caller that did. */
  async claimResolve(scope: string, at: Date): Promise<boolean> {
    const changed = await this.db(TABLE)
      .where({ scope, state: 'open' })
      .update({ state: 'resolved', updated_at: at.toISOString() });
    return changed === 1;
  }

  /** Gives a claim back when its notification could not be sent (a later look sends it). */
  async release(scope: string, wasOpen: boolean): Promise<void> {
    await this.db(TABLE)
      .where({ scope })
      .update(
        wasOpen ? { state: 'open' } : { state: 'resolved', occurrence: '' },
      );
  }

  /** Every open condition (a starting replica checks them against what it sees). */
  async open(): Promise<OpenCondition[]> {
    const rows = await this.db(TABLE)
      .where({ state: 'open' })
      .select('scope', 'entity_ref');
    return rows.map(r => ({ scope: r.scope, entityRef: r.entity_ref }));
  }
}
