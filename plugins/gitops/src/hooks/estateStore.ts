import type { CompoundEntityRef } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityEstate } from '@internal/backstage-plugin-gitops-common';
import type { GitopsApi } from '../api';
import { perApi, SharedQueries, type SharedState } from './sharedQueries';

/** The window of the estate the page reads first: a month, what chargeback is about. */
export const DEFAULT_ESTATE_WINDOW = '30d';

/** What an estate card sees of its Group's or System's estate. */
export type EstateState = SharedState<EntityEstate>;

/**
 * One estate per Group or System and cost window, shared by the estate cards of the page (the
 * matrix, cost and backup cards): they mount together and make one request; a signal arriving
 * mid-read is paid with one read after it, so the last change is never missed.
 */
export class EstateStore extends SharedQueries<EntityEstate> {
  constructor(private readonly api: GitopsApi) {
    super();
  }

  static key(entity: CompoundEntityRef, window: string): string {
    return `${stringifyEntityRef(entity)}|${window}`;
  }

  /** Loads unless a load of the same key is under way (then joins it); keeps the last value. */
  load(key: string, entity: CompoundEntityRef, window: string): Promise<void> {
    return this.read(key, () => this.api.getEstate(entity, { window }));
  }

  /** Reads again after a signal (see `SharedQueries.reread`). */
  refresh(key: string, entity: CompoundEntityRef, window: string): void {
    this.reread(key, () => this.api.getEstate(entity, { window }));
  }
}

export const estateStoreFor = perApi(api => new EstateStore(api));
