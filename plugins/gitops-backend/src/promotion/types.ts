import type { Entity } from '@backstage/catalog-model';
import type {
  HealthStatus,
  PromotionRecord as ApiPromotionRecord,
  SyncStatus,
} from '@internal/backstage-plugin-gitops-common';

export {
  PROMOTION_STATES,
  type PromotionState,
  type PromotionMode,
  type PromotionKind,
  type GateName,
  type GateResult,
  type FileChange,
} from '@internal/backstage-plugin-gitops-common';

/** A signed-in user: their entity ref and the refs they own through (user + groups). */
export type Actor = {
  userEntityRef: string;
  /** `userInfo.ownershipEntityRefs`; defaults to `[userEntityRef]`. */
  ownershipEntityRefs?: string[];
};

/** What the portal knows about one Argo CD application of an environment. */
export type AppState = {
  name: string;
  sync: SyncStatus;
  health: HealthStatus;
  /** Images running, e.g. `registry.example.com/payments-api:1.4.0`. */
  images: string[];
};

/** Returns the app states of one environment of an entity (wired to the snapshot). */
export type AppStatesProvider = (query: {
  entity: Entity;
  entityRef: string;
  env: string;
}) => Promise<AppState[] | undefined>;

/**
 * A promotion as stored. The API answers `PromotionRecord` of gitops-common (`from`/`to`
 * instead of `fromEnv`/`toEnv`, no `baseSha`): see `toApiPromotion`.
 */
export type PromotionRecord = Omit<ApiPromotionRecord, 'from' | 'to'> & {
  fromEnv: string;
  toEnv: string;
  /** The tip of the branch the change was computed on. */
  baseSha?: string;
};

/** The API form of a stored promotion (fields the API has, nothing else). */
export function toApiPromotion(record: PromotionRecord): ApiPromotionRecord {
  const optional = <K extends keyof PromotionRecord>(key: K) =>
    record[key] === undefined || record[key] === null
      ? {}
      : { [key]: record[key] };
  return {
    id: record.id,
    kind: record.kind,
    entityRef: record.entityRef,
    from: record.fromEnv,
    to: record.toEnv,
    version: record.version,
    ...optional('previousVersion'),
    requester: record.requester,
    ...optional('approver'),
    state: record.state,
    mode: record.mode,
    ...optional('commitSha'),
    ...optional('prUrl'),
    ...optional('branch'),
    gateResults: record.gateResults,
    files: record.files,
    ...optional('rollbackOf'),
    ...optional('error'),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
