/*
 * The deployment record: every deployment (and failed sync) the store saw of the applications
 * the pages show, kept beyond Argo CD's own history limit, and the health transitions of
 * production applications (what DORA's change failure rate and time to restore need). Rows are
 * written by every replica with `insert … on conflict ignore` on a key derived from the
 * upstream's own data, so each is stored once. Its own migrations table
 * (gitops_record_migrations): promotions and notifications may be off.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_deployments', table => {
    table.comment(
      'Deployments and failed syncs of the applications the GitOps pages show',
    );
    table
      .string('record_key', 64)
      .primary()
      .notNullable()
      .comment(
        'sha1 of application + history id + finish time (or the failed operation start)',
      );
    table
      .string('app_key', 512)
      .notNullable()
      .comment('<instance>/<app namespace>/<name>');
    table.string('instance', 255).notNullable();
    table.string('app_namespace', 255).notNullable().defaultTo('');
    table.string('application', 255).notNullable();
    table.string('environment', 63).notNullable();
    table.string('revision', 255).notNullable().defaultTo('');
    table
      .text('images')
      .notNullable()
      .comment('JSON array of image references');
    table.string('started_at', 32).nullable();
    table.string('finished_at', 32).notNullable().comment('ISO 8601, UTC');
    table.string('initiated_by', 255).nullable();
    table
      .string('result', 16)
      .notNullable()
      .comment('Succeeded | Failed | Error');
    table
      .string('operation', 16)
      .nullable()
      .comment('sync | rollback, when known');
    table
      .integer('history_id')
      .nullable()
      .comment('Argo CD history id (absent for a failed sync)');
    table.string('promotion_id', 64).nullable();
    table
      .string('commit_at', 32)
      .nullable()
      .comment('Commit time of the revision (revision metadata), ISO 8601');
    table.string('recorded_at', 32).notNullable();
    table.index(['app_key', 'finished_at'], 'gitops_deployments_app_idx');
    table.index(['environment', 'finished_at'], 'gitops_deployments_env_idx');
  });

  await knex.schema.createTable('gitops_health_transitions', table => {
    table.comment(
      'Health changes of production applications, as the store saw them',
    );
    table
      .string('record_key', 64)
      .primary()
      .notNullable()
      .comment('sha1 of application + resourceVersion + health');
    table.string('app_key', 512).notNullable();
    table.string('environment', 63).notNullable();
    table.string('health', 32).notNullable();
    table
      .string('previous', 32)
      .nullable()
      .comment('null: first seen by a replica');
    table.string('at', 32).notNullable().comment('ISO 8601, UTC');
    table.index(['app_key', 'at'], 'gitops_health_app_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_health_transitions');
  await knex.schema.dropTable('gitops_deployments');
};
