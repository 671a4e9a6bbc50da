import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EstateCost } from '@internal/backstage-plugin-gitops-common';
import { refKey } from '../../entities/EntityMirror';
import type { EstateMembership } from '../../entities/membership';
import { costKey, type GitopsStore } from '../../store/GitopsStore';
import { BoundedMap } from '../../util/BoundedMap';
import { contentHash } from '../../util/contentHash';
import { describeError } from '../../util/errors';
import { roundCents } from '../../util/money';
import type { OverviewView } from '../EntityViews';
import type { OverviewContent } from '../overviewBuilder';
import {
  composeEstate,
  type EstateContent,
  type EstateMember,
} from './composeEstate';
import { summarizeMember, type MemberSummary } from './memberSummary';

/** An estate's answer for one window, serialised once per change. */
export type EstateView = {
  /** JSON of the content (without entityRef, asOf and approvals). */
  content: string;
  hash: string;
  asOf: string;
  /** The member refs (lower-cased) it covers. */
  members: string[];
};

/**
 * The estates of groups and systems: per window, the serialised answer over every member,
 * recomputed only when a member's overview changes, its membership changes or the cost
 * engines' totals do (idle and unallocated), never on a view. A reader who may not see every
 * member gets the same sum over the members they see, kept per visible set until the estate
 * changes. Listeners hear which estates changed (their pages refetch).
 */
export class EstateViews {
  private readonly summaries = new Map<
    string,
    { view: OverviewView; summary: MemberSummary }
  >();
  private readonly estates = new Map<string, Map<string, EstateView>>();
  private readonly partial = new BoundedMap<string, EstateView>(500);
  private readonly dirty = new Set<string>();
  private readonly listeners: Array<(estates: string[]) => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      membership: EstateMembership;
      /** A member's stored overview for a window (EntityViews.get). */
      overviewOf: (ref: string, window: string) => OverviewView | undefined;
      store: GitopsStore;
      costSources: Array<{ cluster: string; provider: string }>;
      windows: string[];
      /** Environments in promotion order (`gitops.environments`). */
      environments: string[];
      productionEnvironments: string[];
      now: () => Date;
      logger: LoggerService;
      /** Changes gathered this long before estates are recomputed. */
      batchMs?: number;
    },
  ) {
    deps.membership.onChange((estates, member) => {
      if (!deps.membership.entityOf(member)) this.forget(member);
      estates.forEach(e => this.mark(e));
    });
    // Idle and unallocated come from the totals, not from any member's view.
    deps.store.costs.onChange(() => {
      for (const key of this.estates.keys()) this.mark(key);
    });
  }

  /** Hears the estates (lower-cased refs) whose answer changed. */
  onChanged(listener: (estates: string[]) => void) {
    this.listeners.push(listener);
  }

  /** Follows EntityViews.onChanged: the estates of those members are recomputed. */
  onViewsChanged(refs: string[]) {
    for (const ref of refs) {
      for (const estate of this.deps.membership.estatesOf(ref)) {
        this.mark(estate);
      }
    }
  }

  /**
   * The estate's answer for a window over `visible` members (all of them when undefined, or
   * when every member is visible).
   */
  get(estateRef: string, window: string, visible?: string[]): EstateView {
    const key = refKey(estateRef);
    if (this.dirty.has(key) || !this.estates.get(key)?.has(window)) {
      // Read before the batch ran: its pages still hear of the change.
      if (this.recompute(key)) this.emit([key]);
    }
    const full = this.estates.get(key)!.get(window)!;
    if (!visible) return full;
    // Members the reader may see, of those the answer covers (membership may have moved since).
    const covered = new Set(full.members);
    const shown = visible.filter(ref => covered.has(ref));
    if (shown.length === full.members.length) return full;
    const visibleKey = contentHash(shown.join('\n'));
    const cacheKey = `${key}\u0000${window}\u0000${full.hash}\u0000${visibleKey}`;
    let view = this.partial.get(cacheKey);
    if (!view) {
      const content = JSON.stringify(this.content(key, window, shown));
      view = {
        content,
        hash: contentHash(content),
        asOf: full.asOf,
        members: shown,
      };
      this.partial.set(cacheKey, view);
    }
    return view;
  }

  private forget(member: string) {
    for (const window of this.deps.windows) {
      this.summaries.delete(`${member}\u0000${window}`);
    }
  }

  /** Recomputes every changed estate now (tests, start-up). */
  settled() {
    this.flush();
  }

  private mark(key: string) {
    this.dirty.add(key);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.deps.batchMs ?? 20);
  }

  private flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const changed: string[] = [];
    for (const key of [...this.dirty]) {
      try {
        if (this.recompute(key)) changed.push(key);
      } catch (error) {
        this.dirty.delete(key);
        this.deps.logger.warn(
          `gitops: computing the estate of ${key} failed: ${describeError(
            error,
          )}`,
        );
      }
    }
    if (changed.length > 0) this.emit(changed);
  }

  private emit(estates: string[]) {
    for (const listener of this.listeners) listener(estates);
  }

  /** Recomputes an estate's answers over all its members; true when one changed. */
  private recompute(key: string): boolean {
    this.dirty.delete(key);
    const members = this.deps.membership.membersOf(key);
    let views = this.estates.get(key);
    if (!views) this.estates.set(key, (views = new Map()));
    let changed = false;
    for (const window of this.deps.windows) {
      const content = JSON.stringify(this.content(key, window, members));
      const previous = views.get(window);
      if (previous?.content === content) {
        previous.members = members;
        continue;
      }
      views.set(window, {
        content,
        hash: contentHash(content),
        asOf: this.deps.now().toISOString(),
        members,
      });
      changed = true;
    }
    return changed;
  }

  private content(key: string, window: string, refs: string[]): EstateContent {
    const { membership, environments } = this.deps;
    const members: EstateMember[] = refs.map(ref => ({
      summary: this.summaryOf(ref, window),
      systems: membership.systemsOf(ref),
    }));
    return composeEstate({
      kind: key.slice(0, key.indexOf(':')),
      members,
      window,
      order: environments,
      apart: this.apart(window),
    });
  }

  /** A member's summary for a window: derived again only when its overview changed. */
  private summaryOf(ref: string, window: string): MemberSummary {
    const id = `${ref}\u0000${window}`;
    const view = this.deps.overviewOf(ref, window);
    const cached = this.summaries.get(id);
    if (view && cached?.view === view) return cached.summary;
    const entity = this.deps.membership.entityOf(ref);
    // Not computed yet (a member just mirrored): a row without environments until it is.
    const overview: OverviewContent = view
      ? JSON.parse(view.content)
      : {
          entityRef: entity ? stringifyEntityRef(entity) : ref,
          environments: [],
          sources: [],
          promotionsConfigured: false,
        };
    const summary = summarizeMember({
      overview,
      title: entity?.metadata.title,
      order: this.deps.environments,
      productionEnvironments: this.deps.productionEnvironments,
    });
    if (view) this.summaries.set(id, { view, summary });
    return summary;
  }

  /** Per cost cluster, what its engine reported apart from workloads over the window. */
  private apart(window: string): EstateCost['apart'] {
    return this.deps.costSources.flatMap(({ cluster }) => {
      const apart = this.deps.store.costs.get(costKey(cluster, window))?.data
        ?.apart;
      if (!apart) return [];
      return [
        {
          cluster,
          ...(apart.idle !== undefined ? { idle: roundCents(apart.idle) } : {}),
          ...(apart.unallocated !== undefined
            ? { unallocated: roundCents(apart.unallocated) }
            : {}),
        },
      ];
    });
  }
}
