import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationSeverity } from '@backstage/plugin-notifications-common';
import { describeError } from '../util/errors';
import type { OverviewContent } from '../views/overviewBuilder';
import { conditionsOf, type Condition } from './conditions';
import type { NotificationsConfig } from './config';
import type { NotificationLedger } from './NotificationLedger';

type Tracked = Condition & {
  firstSeen: number;
  /** This replica looked at the ledger for this occurrence (sent it, or saw it sent). */
  claimed: boolean;
};

/** One message for the owners: a condition opened, or cleared. */
type Outgoing = { condition: Condition; resolved: boolean };

const RANK: Record<NotificationSeverity, number> = {
  low: 0,
  normal: 1,
  high: 2,
  critical: 3,
};

/**
 * Follows the conditions of each entity's overview as it changes: a condition is told to the
 * entity's owners once it held for its grace period, updated in place (its `scope`) when a new
 * occurrence comes, and marked resolved when it clears. Conditions of a source that is not `ok`
 * are held as they were, so an outage neither resolves nor raises anything. The ledger decides
 * which replica sends.
 */
export class ConditionTracker {
  private readonly byEntity = new Map<string, Map<string, Tracked>>();
  /** When each entity should be looked at again with nothing changing (a grace period ends). */
  private readonly due = new Map<string, number>();
  /** Open conditions of the ledger not yet checked against what this replica sees. */
  private unchecked?: Promise<Map<string, Set<string>>>;
  private running = Promise.resolve();

  constructor(
    private readonly deps: {
      config: NotificationsConfig;
      ledger: NotificationLedger;
      notifications: NotificationService;
      /** The entity's current overview; undefined when it is no longer annotated. */
      contentOf: (entityRef: string) => OverviewContent | undefined;
      now: () => Date;
      logger: LoggerService;
    },
  ) {}

  /** Looks again at these entities (their views changed); resolves when done. */
  evaluate(refs: string[]): Promise<void> {
    this.running = this.running.then(async () => {
      for (const ref of refs) {
        try {
          await this.evaluateOne(ref);
        } catch (error) {
          this.deps.logger.warn(
            `gitops notifications for ${ref} failed: ${describeError(error)}`,
          );
        }
      }
    });
    return this.running;
  }

  /** Looks again at the entities whose pending condition is due (the plugin calls it often). */
  tick(): Promise<void> {
    const now = this.deps.now().getTime();
    const refs = [...this.due].filter(([, at]) => at <= now).map(([r]) => r);
    return refs.length ? this.evaluate(refs) : this.running;
  }

  private async evaluateOne(ref: string) {
    const content = this.deps.contentOf(ref);
    const nowMs = this.deps.now().getTime();
    if (!content) {
      this.byEntity.delete(ref);
      this.due.delete(ref);
      return;
    }
    const { conditions, held, wakeAt } = conditionsOf(
      ref,
      content,
      this.deps.config,
      nowMs,
    );
    const before = this.byEntity.get(ref) ?? new Map<string, Tracked>();
    const next = new Map<string, Tracked>();
    for (const c of conditions) {
      const old = before.get(c.scope);
      const same = old && old.occurrence === c.occurrence;
      next.set(c.scope, {
        ...c,
        firstSeen: same ? old.firstSeen : nowMs,
        claimed: same ? old.claimed : false,
      });
    }
    const out: Outgoing[] = [];
    const cleared: Condition[] = [];
    for (const old of before.values()) {
      if (next.has(old.scope)) continue;
      if (held.has(old.subject)) next.set(old.scope, old);
      else cleared.push(old);
    }
    // Open in the ledger from before this replica looked (a restart): cleared meanwhile?
    const open = (await this.openAtStart()).get(ref);
    if (open) {
      for (const scope of open) {
        const topic = scope.split(':')[1];
        const subject = scope.slice(`gitops:${topic}:${ref}:`.length);
        if (!next.has(scope) && !held.has(subject)) {
          cleared.push(this.placeholder(scope, ref, subject));
        }
      }
      (await this.openAtStart()).delete(ref);
    }
    this.byEntity.set(ref, next);

    const at = new Date(nowMs);
    for (const c of cleared) {
      if (await this.deps.ledger.claimResolve(c.scope, at)) {
        out.push({ condition: c, resolved: true });
      }
    }
    const due: number[] = [...wakeAt];
    for (const t of next.values()) {
      if (t.claimed) continue;
      const dueAt = t.firstSeen + t.graceMs;
      if (dueAt > nowMs) {
        due.push(dueAt);
        continue;
      }
      t.claimed = true;
      const won = await this.deps.ledger.claimOpen({ ...t, at });
      if (won) out.push({ condition: t, resolved: false });
    }
    this.wakeAt(ref, due);
    await this.send(ref, out);
  }

  /** A cleared condition known only by its ledger row (opened before this replica started). */
  private placeholder(scope: string, entityRef: string, subject: string) {
    const topic = scope.split(':')[1] as Condition['topic'];
    return {
      scope,
      entityRef,
      subject,
      topic,
      severity: 'low' as const,
      title: '',
      description: '',
      resolvedTitle: `${entityRef}: ${subject} is no longer ${topic}`,
      link: '',
      graceMs: 0,
    };
  }

  private openAtStart() {
    this.unchecked ??= this.deps.ledger.open().then(rows => {
      const byRef = new Map<string, Set<string>>();
      for (const r of rows) {
        const set = byRef.get(r.entityRef) ?? new Set<string>();
        set.add(r.scope);
        byRef.set(r.entityRef, set);
      }
      return byRef;
    });
    return this.unchecked;
  }

  /** Remembers when the entity's earliest pending condition is due (`tick` looks then). */
  private wakeAt(ref: string, times: number[]) {
    if (times.length === 0) this.due.delete(ref);
    else this.due.set(ref, Math.min(...times));
  }

  /**
   * Sends what one look at an entity found: each message on its own, or (more than
   * `maxPerEntityBatch` of them: an instance came back with many changes) one summary.
   */
  private async send(ref: string, out: Outgoing[]) {
    if (out.length === 0) return;
    const recipients = { type: 'entity' as const, entityRef: ref };
    if (out.length > this.deps.config.maxPerEntityBatch) {
      const opened = out.filter(o => !o.resolved);
      const severity = out
        .map(o => (o.resolved ? 'low' : o.condition.severity))
        .reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'low');
      await this.deliver(out, {
        recipients,
        payload: {
          title: `${ref}: ${opened.length} new and ${
            out.length - opened.length
          } cleared GitOps conditions`,
          description: out
            .map(o =>
              o.resolved ? `✓ ${o.condition.resolvedTitle}` : o.condition.title,
            )
            .join('\n'),
          link: out[0].condition.link || undefined,
          severity,
          topic: opened[0]?.condition.topic ?? out[0].condition.topic,
          scope: `gitops:summary:${ref}`,
        },
      });
      return;
    }
    for (const o of out) {
      const c = o.condition;
      await this.deliver([o], {
        recipients,
        payload: o.resolved
          ? {
              title: c.resolvedTitle,
              description: c.title ? `Was: ${c.title}` : undefined,
              link: c.link || undefined,
              severity: 'low',
              topic: c.topic,
              scope: c.scope,
              metadata: { resolved: true },
            }
          : {
              title: c.title,
              description: c.description,
              link: c.link,
              severity: c.severity,
              topic: c.topic,
              scope: c.scope,
            },
      });
    }
  }

  private async deliver(
    out: Outgoing[],
    options: Parameters<NotificationService['send']>[0],
  ) {
    try {
      await this.deps.notifications.send(options);
    } catch (error) {
      this.deps.logger.warn(
        `gitops notification "${
          options.payload.title
        }" not sent: ${describeError(error)}`,
      );
      for (const o of out) {
        await this.deps.ledger.release(o.condition.scope, o.resolved);
        const tracked = this.byEntity
          .get(o.condition.entityRef)
          ?.get(o.condition.scope);
        if (tracked) tracked.claimed = false;
      }
    }
  }
}
