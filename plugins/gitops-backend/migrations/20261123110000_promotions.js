/*
 * Promotions of a version between environments, and the locks that keep two replicas from
 * promoting the same entity into the same environment at once.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('promotions', table => {
    table.comment(
      'Promotions (and rollbacks) of a version into an environment',
    );
    table.uuid('id').primary().notNullable();
    table.string('kind', 16).notNullable().comment('promotion | rollback');
    table.string('entity_ref', 255).notNullable();
    table.string('from_env', 63).notNullable();
    table.string('to_env', 63).notNullable();
    table.string('version', 128).notNullable();
    table.string('previous_version', 128).nullable();
    table.string('requester', 255).notNullable();
    table.string('approver', 255).nullable();
    table
      .string('state', 32)
      .notNullable()
      .comment(
        'previewed | awaiting-approval | committed | pr-open | merged | synced | failed | rolled-back',
      );
    table.string('mode', 16).notNullable().comment('commit | pull-request');
    table.string('commit_sha', 64).nullable();
    table
      .string('base_sha', 64)
      .nullable()
      .comment('Branch tip the change was computed on');
    table.text('pr_url').nullable();
    table.string('branch', 255).nullable();
    table
      .text('gate_results')
      .notNullable()
      .comment('JSON array of gate results');
    table.text('files').nullable().comment('JSON array of changed paths');
    table.uuid('rollback_of').nullable();
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'created_at'], 'promotions_entity_ref_idx');
    table.index(['state'], 'promotions_state_idx');
  });

  await knex.schema.createTable('promotion_locks', table => {
    table.comment('One row per entity and environment being promoted');
    table.string('entity_ref', 255).notNullable();
    table.string('env', 63).notNullable();
    table.string('holder', 64).notNullable();
    table
      .bigInteger('expires_at')
      .notNullable()
      .comment('Milliseconds since the epoch');
    table.primary(['entity_ref', 'env']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotion_locks');
  await knex.schema.dropTable('promotions');
};
