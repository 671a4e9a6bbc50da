/**
 * The GitOps backend plugin: per-entity, per-environment views of Argo CD, cost and Velero,
 * kept current by informers and computed when their inputs change. Backend modules add
 * sources through the extension points of `@internal/backstage-plugin-gitops-node`.
 *
 * @packageDocumentation
 */
export { gitopsPlugin as default } from './plugin';
export { gitopsClockServiceRef, type GitopsClock } from './util/clock';
