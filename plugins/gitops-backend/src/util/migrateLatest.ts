import type { Knex } from 'knex';

/**
 * `knex.migrate.latest` of one set of the plugin's migrations. Replicas starting at once on an
 * empty PostgreSQL database race in knex's unguarded creation of its migration tables
 * ("relation already exists", or two lock rows that refuse every later start): there, one
 * replica migrates at a time, under a transaction-scoped advisory lock.
 */
export async function migrateLatest(
  knex: Knex,
  options: { directory: string; tableName: string },
): Promise<void> {
  const migrate = () =>
    knex.migrate.latest({ ...options, loadExtensions: ['.js'] });
  if (knex.client.dialect !== 'postgresql') {
    await migrate();
    return;
  }
  await knex.transaction(async trx => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [
      options.tableName,
    ]);
    await migrate();
  });
}
