/*
 * What the plugin has told owners, per notification scope: which replica sends a condition is
 * decided by a conditional update of its row, so two replicas never send the same one twice.
 * Its own migrations table (gitops_notification_migrations): promotions may be off.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_notification_conditions', table => {
    table.comment('Conditions the GitOps plugin notified owners of');
    table.string('scope', 512).primary().notNullable();
    table.string('entity_ref', 255).notNullable().index();
    table.string('topic', 32).notNullable();
    table.string('state', 16).notNullable().comment('open | resolved');
    table
      .string('occurrence', 255)
      .notNullable()
      .defaultTo('')
      .comment('which occurrence was told (a failed sync: its start)');
    table.string('updated_at', 32).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_notification_conditions');
};
