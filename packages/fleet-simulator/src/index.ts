export { startFleet, DEFAULT_TLS } from './fleet';
export { runUntilStopped } from './runUntilStopped';
export type {
  Fleet,
  FleetOptions,
  ArgoEndpoint,
  ArgoInstanceOptions,
  CostEndpoint,
  KubeEndpoint,
} from './fleet';
export { generateFleetTls } from './util/tls';
export { caFetch, closeCaFetch } from './util/caFetch';
export type { FleetTls } from './util/tls';
export { SimClock } from './clock';
export type { FleetClock, ClockMode } from './clock';
export type { FleetControl } from './control';
export type { DriftControl } from './driftControl';
export type { LivePatchRequest } from './argocd/drift';
export type { Fault, Counts } from './util/service';
export type { ArgoBehaviour } from './argocd/instance';
export { buildAppConfig } from './config';
export type { FleetEndpoints } from './config';
export {
  SERVICES,
  ENVIRONMENTS,
  ENV_POLICY,
  SEED_COMMITS,
  REGISTRY,
} from './seed/layout';
export type { Env, ServiceSeed, SeedCommit } from './seed/layout';
export { measureScale } from './scale';
export type { ScaleFigures } from './scale';
/** For the product's tests: a change pushed to the fleet's gitops repository, as a person would. */
export { commitToFleet, replaceInFile } from './testUtils';
