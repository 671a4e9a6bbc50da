/**
 * Extension points of the gitops backend, by role: deployment engines, cost engines, backup
 * sources and promotion pull-request providers. A backend module implements a role (with its
 * `provider`) and adds it here, without touching the rest of the plugin.
 *
 * @packageDocumentation
 */
export * from './deployments';
export * from './cost';
export * from './backups';
export * from './git';
export * from './pullRequests';
export * from './extensions';
