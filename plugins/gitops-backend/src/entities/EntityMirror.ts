import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import { describeError } from '../util/errors';

/** An entity appeared, changed (`entity` set) or went (`entity` undefined). */
export type EntityChange = { ref: string; entity?: Entity };

/** The catalog entities annotated for Argo CD. */
const ANNOTATED = [
  {
    [`metadata.annotations.${GITOPS_ANNOTATIONS.argoAppName}`]:
      CATALOG_FILTER_EXISTS,
  },
  {
    [`metadata.annotations.${GITOPS_ANNOTATIONS.argoAppSelector}`]:
      CATALOG_FILTER_EXISTS,
  },
];

// Entity refs are ASCII (the catalog validates names): toLowerCase is what the catalog's compare does.
const SOON_GAP_MS = 5000;

export const refKey = (ref: string) => ref.toLowerCase();

/**
 * The annotated catalog entities, kept current by delta reads with the plugin's own
 * credentials: every interval, their refs and etags (a small answer); the full entities only
 * of those that are new or changed. Views are computed for these entities when their inputs
 * change, and a page view reads the entity from here instead of asking the catalog.
 */
export class EntityMirror {
  private readonly entities = new Map<string, Entity>();
  private readonly etags = new Map<string, string>();
  private readonly listeners: Array<(change: EntityChange) => void> = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastError?: string;
  private stopped = false;
  private soon = false;
  private lastSoonAt = -Infinity;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      intervalMs: number;
    },
  ) {}

  onChange(listener: (change: EntityChange) => void) {
    this.listeners.push(listener);
  }

  get(ref: string): Entity | undefined {
    return this.entities.get(refKey(ref));
  }

  list(): Entity[] {
    return [...this.entities.values()];
  }

  start(): Promise<void> {
    this.stopped = false;
    return this.refresh();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A read found an annotated entity the mirror lacks (a new one): read the catalog soon. */
  refreshSoon() {
    // Many page views of a new entity must neither keep pushing the read back nor each make
    // one: one read a second after the first, then at most one per SOON_GAP_MS.
    const now = Date.now();
    if (this.running || this.stopped || this.soon) return;
    if (now - this.lastSoonAt < SOON_GAP_MS) return;
    this.lastSoonAt = now;
    this.soon = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 1000);
  }

  /** One delta read (also what the schedule runs). */
  refresh(): Promise<void> {
    this.soon = false;
    this.running ??= this.read().finally(() => {
      this.running = undefined;
      if (!this.stopped) {
        clearTimeout(this.timer);
        this.timer = setTimeout(
          () => void this.refresh(),
          this.deps.intervalMs,
        );
      }
    });
    return this.running;
  }

  private async read() {
    const { catalog, auth, logger } = this.deps;
    try {
      const credentials = await auth.getOwnServiceCredentials();
      const { items } = await catalog.getEntities(
        {
          filter: ANNOTATED,
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'metadata.etag',
          ],
        },
        { credentials },
      );
      const seen = new Set<string>();
      const changed: string[] = [];
      for (const item of items) {
        const ref = stringifyEntityRef(item);
        const key = refKey(ref);
        seen.add(key);
        const etag = item.metadata.etag ?? '';
        if (!this.entities.has(key) || this.etags.get(key) !== etag) {
          changed.push(ref);
        }
      }
      for (let i = 0; i < changed.length; i += 100) {
        const { items: full } = await catalog.getEntitiesByRefs(
          { entityRefs: changed.slice(i, i + 100) },
          { credentials },
        );
        for (const entity of full) {
          if (!entity) continue;
          const ref = stringifyEntityRef(entity);
          this.entities.set(refKey(ref), entity);
          this.etags.set(refKey(ref), entity.metadata.etag ?? '');
          this.emit({ ref, entity });
        }
      }
      for (const [key, entity] of [...this.entities]) {
        if (seen.has(key)) continue;
        this.entities.delete(key);
        this.etags.delete(key);
        this.emit({ ref: stringifyEntityRef(entity) });
      }
      if (this.lastError) {
        logger.info('gitops: reading annotated entities recovered');
        this.lastError = undefined;
      }
    } catch (error) {
      const message = describeError(error);
      if (message !== this.lastError) {
        logger.warn(
          `gitops: reading annotated entities failed: ${message}; keeping the last ones read`,
        );
      }
      this.lastError = message;
    }
  }

  private emit(change: EntityChange) {
    for (const listener of this.listeners) listener(change);
  }
}
