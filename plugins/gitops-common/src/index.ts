/**
 * Types, annotations, permissions and environment helpers shared by the GitOps plugins.
 * Isomorphic: no Node or React imports.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './environments';
export * from './health';
export * from './status';
export * from './overview';
export * from './diff';
export * from './rollouts';
export * from './promotions';
export * from './estate';
export * from './dora';
export * from './routes';
