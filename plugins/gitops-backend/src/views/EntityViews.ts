import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { DeploymentApp } from '@internal/backstage-plugin-gitops-node';
import { refKey, type EntityChange } from '../entities/EntityMirror';
import {
  appQueryOf,
  hasWorkloads,
  workloadSpecOf,
  type WorkloadSpec,
} from '../entities/workloads';
import type { AppChange, AppKey, AppQuery } from '../store/AppStore';
import { appKey } from '../store/AppStore';
import type { GitopsStore } from '../store/GitopsStore';
import { describeError } from '../util/errors';
import { TimeSlice } from '../util/eventLoop';
import type { OverviewBuilder } from './overviewBuilder';
import { contentHash } from '../util/contentHash';
import { link, unlink } from '../util/setIndex';

/** An entity's overview for one cost window, serialised once per change. */
export type OverviewView = {
  /** JSON of the content (without asOf and permissions). */
  content: string;
  /** Hash of `content`: the same on every replica for the same state. */
  hash: string;
  asOf: string;
};

type Entry = {
  entity: Entity;
  spec: WorkloadSpec;
  query: AppQuery;
  appKeys: Set<AppKey>;
  views: Map<string, OverviewView>;
};

/** Adds a ref to the set of a key. */

/**
 * The overviews of the annotated entities, computed when one of their inputs changes (one of
 * their applications, a cost window's totals, a cluster's backups, a source's state, the
 * entity itself), never when read. A page view answers the stored bytes; listeners hear which
 * entities' views changed, once per batch of changes.
 */
export class EntityViews {
  private readonly entries = new Map<string, Entry>();
  /** Which entities showed an application last time (to hear of its changes and removal). */
  private readonly byApp = new Map<AppKey, Set<string>>();
  /** Entities asking for an app name, or a label `key=value` (their selector's narrowest part). */
  private readonly byName = new Map<string, Set<string>>();
  private readonly byLabel = new Map<string, Set<string>>();
  /** Entities whose selectors index nothing (only `!key` / `notin`): candidates for every app. */
  private readonly unindexed = new Set<string>();
  private readonly dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly listeners: Array<(refs: string[]) => void> = [];
  private readonly wantDetails: Array<(apps: DeploymentApp[]) => void> = [];

  constructor(
    private readonly deps: {
      store: GitopsStore;
      builder: OverviewBuilder;
      windows: string[];
      now: () => Date;
      logger: LoggerService;
      /** Changes gathered this long before views are recomputed. */
      batchMs?: number;
    },
  ) {
    const { store } = deps;
    store.apps.onChange(change => this.onAppChange(change));
    store.apps.onStatus(instance =>
      this.markWhere(e => !e.spec.instance || e.spec.instance === instance),
    );
    store.costs.onChange(() => this.markWhere(() => true));
    store.backups.onChange(() => this.markWhere(() => true));
  }

  /** Whether any entity's view shows the application. */
  shows(key: AppKey): boolean {
    return this.byApp.has(key);
  }

  /** The entities (lower-cased refs) whose views show the application. */
  entitiesShowing(key: AppKey): string[] {
    return [...(this.byApp.get(key) ?? [])];
  }

  /** Hears the entities whose overview changed. */
  onChanged(listener: (refs: string[]) => void) {
    this.listeners.push(listener);
  }

  /** Hears the applications a view shows without their history (a summary from a list). */
  onMissingDetails(listener: (apps: DeploymentApp[]) => void) {
    this.wantDetails.push(listener);
  }

  /** The entity's stored overview for a window, when it is one of the annotated entities. */
  get(ref: string, window: string): OverviewView | undefined {
    return this.entries.get(refKey(ref))?.views.get(window);
  }

  /** The mirrored entity's applications (the store's current ones). */
  appsOf(entity: Entity): DeploymentApp[] {
    return this.deps.store.apps.select(appQueryOf(workloadSpecOf(entity)));
  }

  /** An overview of an entity that is not mirrored (unannotated, or too new): not stored. */
  transient(entity: Entity, window: string): OverviewView {
    const spec = workloadSpecOf(entity);
    const apps = this.deps.store.apps.select(appQueryOf(spec));
    const now = this.deps.now();
    const content = JSON.stringify(
      this.deps.builder.build({ entity, spec, apps, window, now }),
    );
    return { content, hash: contentHash(content), asOf: now.toISOString() };
  }

  /** Follows the entity mirror: an entity in, changed or out. */
  onEntity(change: EntityChange) {
    const key = refKey(change.ref);
    const old = this.entries.get(key);
    if (old) this.unindexEntity(key, old);
    if (!change.entity) {
      if (old) {
        this.entries.delete(key);
        for (const app of old.appKeys) unlink(this.byApp, app, key);
      }
      return;
    }
    const spec = workloadSpecOf(change.entity);
    const entry: Entry = {
      entity: change.entity,
      spec,
      query: appQueryOf(spec),
      appKeys: old?.appKeys ?? new Set(),
      views: old?.views ?? new Map(),
    };
    this.entries.set(key, entry);
    this.indexEntity(key, entry);
    this.mark(key);
  }

  /** Resolves once every change so far is in the views (tests, start-up). */
  async settled(): Promise<void> {
    while (this.dirty.size > 0 || this.flushing) {
      if (!this.flushing) this.flushNow();
      await this.flushing;
    }
  }

  private indexEntity(key: string, entry: Entry) {
    if (!hasWorkloads(entry.spec)) return;
    for (const name of entry.spec.appNames) link(this.byName, name, key);
    const selector = entry.spec.selector ?? [];
    const narrow = selector.find(r => r.op === 'in');
    if (narrow && narrow.op === 'in') {
      for (const v of narrow.values)
        link(this.byLabel, `${narrow.key}=${v}`, key);
    } else if (selector.length > 0) {
      this.unindexed.add(key);
    }
  }

  private unindexEntity(key: string, entry: Entry) {
    for (const name of entry.spec.appNames) unlink(this.byName, name, key);
    const narrow = entry.spec.selector?.find(r => r.op === 'in');
    if (narrow && narrow.op === 'in') {
      for (const v of narrow.values)
        unlink(this.byLabel, `${narrow.key}=${v}`, key);
    }
    this.unindexed.delete(key);
  }

  private onAppChange(change: AppChange) {
    if (change.kind !== 'changed') return;
    for (const ref of this.byApp.get(change.key) ?? []) this.mark(ref);
    const app = change.after;
    if (!app) return;
    for (const ref of this.byName.get(app.name) ?? []) this.mark(ref);
    for (const [k, v] of Object.entries(app.labels)) {
      for (const ref of this.byLabel.get(`${k}=${v}`) ?? []) this.mark(ref);
    }
    for (const ref of this.unindexed) this.mark(ref);
  }

  private markWhere(predicate: (entry: Entry) => boolean) {
    for (const [key, entry] of this.entries) {
      if (predicate(entry)) this.mark(key);
    }
  }

  private mark(key: string) {
    this.dirty.add(key);
    this.schedule();
  }

  private schedule() {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => this.flushNow(), this.deps.batchMs ?? 20);
  }

  private flushNow() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) return;
    this.flushing = this.flush()
      .catch(error =>
        this.deps.logger.warn(
          `gitops: computing views failed: ${describeError(error)}`,
        ),
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.dirty.size > 0) this.schedule();
      });
  }

  private async flush() {
    const changed: string[] = [];
    const missing: DeploymentApp[] = [];
    const slice = new TimeSlice(8);
    while (this.dirty.size > 0) {
      const key = this.dirty.values().next().value!;
      this.dirty.delete(key);
      const entry = this.entries.get(key);
      if (entry && this.recompute(key, entry, missing)) {
        changed.push(entry.spec.entityRef);
      }
      // Many entities at once (a full list): let page views in between.
      if (slice.spent) await slice.next();
    }
    if (missing.length > 0) {
      for (const listener of this.wantDetails) listener(missing);
    }
    if (changed.length > 0) {
      for (const listener of this.listeners) listener(changed);
    }
  }

  /** Recomputes one entity's overviews; true when any changed. */
  private recompute(
    key: string,
    entry: Entry,
    missing: DeploymentApp[],
  ): boolean {
    const { store, builder, windows } = this.deps;
    const apps = store.apps.select(entry.query);
    const keys = new Set(apps.map(appKey));
    for (const old of entry.appKeys) {
      if (!keys.has(old)) unlink(this.byApp, old, key);
    }
    for (const k of keys) link(this.byApp, k, key);
    entry.appKeys = keys;
    for (const app of apps) if (app.history === undefined) missing.push(app);

    let changed = false;
    for (const window of windows) {
      const previous = entry.views.get(window);
      // Built as of the previous asOf first: time alone (an RPO's age) is no change.
      const build = (now: Date) =>
        JSON.stringify(
          builder.build({
            entity: entry.entity,
            spec: entry.spec,
            apps,
            window,
            now,
          }),
        );
      if (previous && build(new Date(previous.asOf)) === previous.content) {
        continue;
      }
      const now = this.deps.now();
      const content = build(now);
      entry.views.set(window, {
        content,
        hash: contentHash(content),
        asOf: now.toISOString(),
      });
      changed = true;
    }
    return changed;
  }
}
