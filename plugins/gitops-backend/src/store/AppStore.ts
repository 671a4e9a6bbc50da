import type {
  DeploymentApp,
  SourceState,
} from '@internal/backstage-plugin-gitops-node';
import type { SelectorRequirement } from '../entities/labelSelector';
import { matchesLabelSelector } from '../entities/labelSelector';
import { compareResourceVersions } from './resourceVersion';
import {
  appSignature,
  compact,
  summarySignature,
  withoutDetails,
} from './appRecord';
import { KeyIndex } from './KeyIndex';
import { TimeSlice } from '../util/eventLoop';

/** `<instance>/<app namespace>/<name>`: unique across instances. */
export type AppKey = string;

export const appKey = (
  app: Pick<DeploymentApp, 'instance' | 'name' | 'namespace'>,
): AppKey => `${app.instance}/${app.namespace ?? ''}/${app.name}`;

/**
 * A change of one application. `changed` is a change the pages show; `touched` only moved its
 * resourceVersion (a reconciliation): nothing a page shows, but cached details of it (the
 * resource tree) are no longer known to be current.
 */
export type AppChange = {
  kind: 'changed' | 'touched';
  key: AppKey;
  before?: DeploymentApp;
  after?: DeploymentApp;
};

/** Which applications a query wants: the entity's annotations, parsed. */
export type AppQuery = {
  names?: string[];
  selector?: SelectorRequirement[];
  instance?: string;
  appNamespace?: string;
  project?: string;
};

/**
 * Every application of every deployment source, compact and indexed by name, by label
 * `key=value` (and key), by project and by destination namespace, so a selector lookup costs
 * the applications it matches, not the fleet. Sources feed it (list, then events); listeners
 * hear each change synchronously and batch their own work.
 */
export class AppStore {
  private readonly apps = new Map<AppKey, DeploymentApp>();
  private readonly signatures = new Map<AppKey, string>();
  /** resourceVersions of deleted applications, so a late older event can't bring one back. */
  private readonly tombstones = new Map<AppKey, string>();
  private readonly byInstance: KeyIndex = new KeyIndex();
  private readonly byName: KeyIndex = new KeyIndex();
  private readonly byLabel: KeyIndex = new KeyIndex();
  private readonly byLabelKey: KeyIndex = new KeyIndex();
  private readonly byProject: KeyIndex = new KeyIndex();
  private readonly byNamespace: KeyIndex = new KeyIndex();
  private readonly states = new Map<string, SourceState & { since: Date }>();
  private readonly listeners: Array<(change: AppChange) => void> = [];
  private readonly statusListeners: Array<(instance: string) => void> = [];

  /** Whether the store keeps an application's history (see `keepDetailsOf`). */
  private keepDetails: (key: AppKey) => boolean = () => true;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * Keeps the history only of the applications `keep` says someone shows: at 50,000
   * applications, the histories of the unshown ones would be most of the memory.
   */
  keepDetailsOf(keep: (key: AppKey) => boolean) {
    this.keepDetails = keep;
  }

  get size() {
    return this.apps.size;
  }

  onChange(listener: (change: AppChange) => void) {
    this.listeners.push(listener);
  }

  onStatus(listener: (instance: string) => void) {
    this.statusListeners.push(listener);
  }

  get(key: AppKey): DeploymentApp | undefined {
    return this.apps.get(key);
  }

  /** The applications of one source. */
  ofInstance(instance: string): DeploymentApp[] {
    return [...this.byInstance.get(instance)].map(k => this.apps.get(k)!);
  }

  status(instance: string) {
    return this.states.get(instance);
  }

  setStatus(instance: string, status: SourceState) {
    const current = this.states.get(instance);
    if (current?.state === status.state && current.error === status.error) {
      return;
    }
    this.states.set(instance, { ...status, since: this.now() });
    for (const listener of this.statusListeners) listener(instance);
  }

  /**
   * Adds or replaces an application. From a stream, a version older than the stored one (an
   * out-of-order event) or the same version again (a duplicate) is ignored; a complete list
   * (`fromList`) always wins. An application without history (a projected list carries none)
   * keeps the history the store has while nothing it shows changed.
   */
  upsert(incoming: DeploymentApp, options: { fromList?: boolean } = {}): void {
    const key = appKey(incoming);
    const app = compact(
      this.keepDetails(key) ? incoming : withoutDetails(incoming),
    );
    const before = this.apps.get(key);
    if (!options.fromList) {
      const newer = (than: string | undefined) => {
        const order = compareResourceVersions(app.resourceVersion, than);
        return order === undefined || order > 0;
      };
      // The same version again is a duplicate, unless it brings the history the store lacks.
      const fillsHistory =
        before?.history === undefined && app.history !== undefined;
      if (
        before &&
        !newer(before.resourceVersion) &&
        !(
          fillsHistory &&
          compareResourceVersions(
            app.resourceVersion,
            before.resourceVersion,
          ) === 0
        )
      ) {
        return;
      }
      if (!before && this.tombstones.has(key)) {
        if (!newer(this.tombstones.get(key))) return;
        this.tombstones.delete(key);
      }
    }
    const beforeSignature = this.signatures.get(key);
    if (
      before &&
      app.history === undefined &&
      before.history !== undefined &&
      summarySignature(app) === summarySignature(before)
    ) {
      // A summary of what the store knows in detail: nothing changed.
      return;
    }
    const signature = appSignature(app);
    if (before && signature === beforeSignature) {
      if (app.resourceVersion === before.resourceVersion) return;
      this.store(key, app, before, 'touched');
      return;
    }
    this.signatures.set(key, signature);
    this.store(key, app, before, 'changed');
  }

  remove(
    instance: string,
    ref: Pick<DeploymentApp, 'name' | 'namespace' | 'resourceVersion'>,
  ) {
    const key = appKey({ instance, ...ref });
    const before = this.apps.get(key);
    if (!before) return;
    if (ref.resourceVersion) {
      if (this.tombstones.size >= 10_000) {
        this.tombstones.delete(this.tombstones.keys().next().value!);
      }
      this.tombstones.set(key, ref.resourceVersion);
    }
    this.unindex(key, before);
    this.apps.delete(key);
    this.signatures.delete(key);
    this.emit({ kind: 'changed', key, before });
  }

  /**
   * A complete list of an instance, fed as it is read: `add` upserts each application at once
   * (so the parsed answer need not be held: at 10,000 applications holding it was most of the
   * start-up's peak heap), `finish` removes those it did not have. Not finished (the list
   * failed): nothing is removed.
   */
  beginList(
    instance: string,
    /** Longest run of removals between two yields to the serving loop. */
    sliceMs = 5,
  ) {
    const seen = new Set<AppKey>();
    return {
      add: (app: DeploymentApp) => {
        const record = { ...app, instance };
        seen.add(appKey(record));
        this.upsert(record, { fromList: true });
      },
      finish: async () => {
        const slice = new TimeSlice(sliceMs);
        let n = 0;
        for (const key of [...this.byInstance.get(instance)]) {
          if (seen.has(key)) continue;
          const { name, namespace } = this.apps.get(key)!;
          this.remove(instance, { name, namespace });
          // Checking the clock every 50 apps keeps its own cost out of the way.
          if (++n % 50 === 0 && slice.spent) await slice.next();
        }
        // The list is the truth now: nothing it has was deleted.
        for (const key of seen) this.tombstones.delete(key);
      },
    };
  }

  /**
   * Replaces every application of an instance with a complete list: the missing ones are
   * removed, the others upserted (unchanged ones cause no change).
   */
  async replaceAll(
    instance: string,
    apps: Iterable<DeploymentApp>,
    /** Longest run of work between two yields to the serving loop (a list of 10,000 apps). */
    sliceMs = 5,
  ): Promise<void> {
    const list = this.beginList(instance, sliceMs);
    const slice = new TimeSlice(sliceMs);
    let n = 0;
    for (const app of apps) {
      list.add(app);
      if (++n % 50 === 0 && slice.spent) await slice.next();
    }
    await list.finish();
  }

  /** The applications a query matches, found through the indexes. */
  select(query: AppQuery): DeploymentApp[] {
    const names = query.names ?? [];
    const selector = query.selector ?? [];
    if (names.length === 0 && selector.length === 0) return [];
    const candidates = new Set<AppKey>();
    for (const name of names) {
      for (const key of this.byName.get(name)) candidates.add(key);
    }
    if (selector.length > 0) {
      for (const key of this.selectorCandidates(selector)) candidates.add(key);
    }
    const out: DeploymentApp[] = [];
    for (const key of candidates) {
      const app = this.apps.get(key)!;
      if (!this.accepts(query, app)) continue;
      if (
        names.includes(app.name) ||
        (selector.length > 0 && matchesLabelSelector(selector, app.labels))
      ) {
        out.push(app);
      }
    }
    return out;
  }

  /** Whether the query's instance, namespace and project filters let the app in. */
  accepts(query: AppQuery, app: DeploymentApp): boolean {
    if (query.instance && query.instance !== app.instance) return false;
    if (
      query.appNamespace &&
      app.namespace &&
      query.appNamespace !== app.namespace
    ) {
      return false;
    }
    return !query.project || query.project === app.project;
  }

  /** The smallest indexed set that contains every match of the selector. */
  private selectorCandidates(
    selector: SelectorRequirement[],
  ): ReadonlySet<AppKey> {
    let best: ReadonlySet<AppKey> | undefined;
    for (const r of selector) {
      let set: ReadonlySet<AppKey> | undefined;
      if (r.op === 'in') {
        const matching = new Set<AppKey>();
        for (const v of r.values) {
          for (const k of this.byLabel.get(`${r.key}=${v}`)) matching.add(k);
        }
        set = matching;
      } else if (r.op === 'exists') {
        set = this.byLabelKey.get(r.key);
      }
      if (set && (!best || set.size < best.size)) best = set;
    }
    // Only `notin` / `!key`: every application is a candidate.
    return best ?? new Set(this.apps.keys());
  }

  /** Applications deploying into a namespace (any instance). */
  inNamespace(namespace: string): DeploymentApp[] {
    return [...this.byNamespace.get(namespace)].map(k => this.apps.get(k)!);
  }

  inProject(project: string): DeploymentApp[] {
    return [...this.byProject.get(project)].map(k => this.apps.get(k)!);
  }

  private store(
    key: AppKey,
    app: DeploymentApp,
    before: DeploymentApp | undefined,
    kind: AppChange['kind'],
  ) {
    if (before) this.unindex(key, before);
    this.apps.set(key, app);
    this.index(key, app);
    this.emit({ kind, key, before, after: app });
  }

  private index(key: AppKey, app: DeploymentApp) {
    this.byInstance.add(app.instance, key);
    this.byName.add(app.name, key);
    for (const [k, v] of Object.entries(app.labels)) {
      this.byLabel.add(`${k}=${v}`, key);
      this.byLabelKey.add(k, key);
    }
    if (app.project) this.byProject.add(app.project, key);
    const ns = app.destination?.namespace;
    if (ns) this.byNamespace.add(ns, key);
  }

  private unindex(key: AppKey, app: DeploymentApp) {
    this.byInstance.drop(app.instance, key);
    this.byName.drop(app.name, key);
    for (const [k, v] of Object.entries(app.labels)) {
      this.byLabel.drop(`${k}=${v}`, key);
      this.byLabelKey.drop(k, key);
    }
    if (app.project) this.byProject.drop(app.project, key);
    const ns = app.destination?.namespace;
    if (ns) this.byNamespace.drop(ns, key);
  }

  private emit(change: AppChange) {
    for (const listener of this.listeners) listener(change);
  }
}
