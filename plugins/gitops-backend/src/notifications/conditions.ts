import { parseEntityRef } from '@backstage/catalog-model';
import { isProductionIn } from '@internal/backstage-plugin-gitops-common';
import type {
  ApplicationSummary,
  EnvironmentBackup,
  SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { NotificationSeverity } from '@backstage/plugin-notifications-common';
import type { OverviewContent } from '../views/overviewBuilder';
import {
  durationMs,
  type NotificationsConfig,
  type NotificationTopic,
} from './config';

/**
 * Something wrong an entity's owners are told about: one per topic and application (or
 * environment, for backups). `scope` is the notification's: a later send with it updates the
 * owners' notification in place.
 */
export type Condition = {
  scope: string;
  topic: NotificationTopic;
  entityRef: string;
  /** `<instance>/<application>`, or `backup/<environment>`. */
  subject: string;
  severity: NotificationSeverity;
  title: string;
  description: string;
  /** Title of the update that says it cleared. */
  resolvedTitle: string;
  link: string;
  /** How long it must hold before anyone is told. */
  graceMs: number;
  /** A new occurrence of a condition still open (another failed sync) is told again. */
  occurrence?: string;
};

export type EntityConditions = {
  conditions: Condition[];
  /** Subjects whose source is not `ok` now: their conditions stay as they were. */
  held: Set<string>;
  /** When the answer may change with nothing else changing (a backup getting too old). */
  wakeAt: number[];
};

const FAILED_PHASES = new Set(['Failed', 'Error']);
const BACKUP_FAILED = new Set(['Failed', 'PartiallyFailed']);

/** Where a notification points: the entity's GitOps tab, or its overview (backups). */
export function entityLink(entityRef: string, tab?: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  const base = `/catalog/${namespace}/${kind.toLowerCase()}/${name}`;
  return tab ? `${base}/${tab}` : base;
}

/** The hook or resource a failed sync stopped at, as the sync card names it. */
function failingTask(app: ApplicationSummary): string | undefined {
  const task = app.operation?.tasks?.find(
    t =>
      FAILED_PHASES.has(t.hookPhase ?? '') ||
      t.status === 'SyncFailed' ||
      t.hookPhase === 'Terminating',
  );
  if (!task) return undefined;
  const what = task.hookType
    ? `${task.hookType} hook ${task.kind}/${task.name}`
    : `${task.kind}/${task.name}`;
  return task.message ? `${what}: ${task.message}` : what;
}

const isOk = (sources: SourceStatus[], kind: string, name?: string) =>
  sources
    .filter(s => s.kind === kind && (name === undefined || s.name === name))
    .every(s => s.status === 'ok');

/**
 * The conditions an entity's overview shows now. Pure: the same content and time give the same
 * answer on every replica, which is what lets them agree on what was sent.
 */
export function conditionsOf(
  entityRef: string,
  content: OverviewContent,
  config: NotificationsConfig,
  nowMs: number,
): EntityConditions {
  const on = new Set(config.topics);
  const isProduction = isProductionIn(config.productionEnvironments);
  const name = parseEntityRef(entityRef).name;
  const tab = entityLink(entityRef, 'gitops');
  const conditions: Condition[] = [];
  const held = new Set<string>();
  const wakeAt: number[] = [];
  const add = (
    c: Omit<Condition, 'scope' | 'entityRef' | 'graceMs'> & {
      graceMs?: number;
    },
  ) => {
    if (!on.has(c.topic)) return;
    conditions.push({
      ...c,
      entityRef,
      graceMs: c.graceMs ?? 0,
      scope: `gitops:${c.topic}:${entityRef}:${c.subject}`,
    });
  };

  for (const env of content.environments) {
    const prod = isProduction(env.name);
    for (const app of env.applications) {
      const subject = `${app.instance}/${app.name}`;
      if (!isOk(content.sources, 'deployment', app.instance)) {
        held.add(subject);
        continue;
      }
      const op = app.operation;
      if (op && FAILED_PHASES.has(op.phase)) {
        const where = failingTask(app);
        add({
          topic: 'sync-failed',
          subject,
          severity: prod ? 'high' : 'normal',
          title: `${name}: the ${op.kind} of ${app.name} failed in ${env.name}`,
          description: [where ? `Failed at ${where}` : undefined, op.message]
            .filter(Boolean)
            .join('. '),
          resolvedTitle: `${name}: ${app.name} syncs again in ${env.name}`,
          link: tab,
          occurrence: op.startedAt ?? op.revision,
        });
      }
      if (app.health === 'Degraded') {
        add({
          topic: 'degraded',
          subject,
          severity: prod ? 'high' : 'normal',
          title: `${name}: ${app.name} is Degraded in ${env.name}`,
          description: app.healthMessage ?? 'Argo CD reports it Degraded.',
          resolvedTitle: `${name}: ${app.name} recovered in ${env.name}`,
          link: tab,
          graceMs: durationMs(config.degradedGracePeriod),
        });
      }
      if (prod && app.sync === 'OutOfSync' && !app.autoSync) {
        add({
          topic: 'out-of-sync',
          subject,
          severity: 'normal',
          title: `${name}: ${app.name} is OutOfSync in ${env.name} and auto-sync is off`,
          description:
            'What runs differs from git and nothing will sync it by itself: sync it or look at the diff.',
          resolvedTitle: `${name}: ${app.name} is Synced again in ${env.name}`,
          link: tab,
          graceMs: durationMs(config.outOfSyncGracePeriod),
        });
      }
    }
    const subject = `backup/${env.name}`;
    if (!env.backup) continue;
    if (!isOk(content.sources, 'backup')) {
      held.add(subject);
      continue;
    }
    backupConditions(env.backup, {
      name,
      env: env.name,
      prod,
      subject,
      nowMs,
      link: entityLink(entityRef),
    }).forEach(c => add(c));
    const dueAt = rpoDueAt(env.backup);
    if (dueAt !== undefined && dueAt > nowMs) wakeAt.push(dueAt);
  }
  return { conditions, held, wakeAt };
}

/** When the last good backup becomes older than the target RPO. */
function rpoDueAt(b: EnvironmentBackup): number | undefined {
  if (!b.lastSuccessfulAt || !b.rpoTargetSeconds) return undefined;
  return Date.parse(b.lastSuccessfulAt) + b.rpoTargetSeconds * 1000;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const hours = (ms: number) => `${Math.round(ms / 360_000) / 10} h`;

function backupConditions(
  b: EnvironmentBackup,
  at: {
    name: string;
    env: string;
    prod: boolean;
    subject: string;
    nowMs: number;
    link: string;
  },
) {
  const { name, env, prod, subject, link } = at;
  const out: Array<Omit<Condition, 'scope' | 'entityRef' | 'graceMs'>> = [];
  if (b.lastPhase && BACKUP_FAILED.has(b.lastPhase)) {
    const last = b.failures[0];
    out.push({
      topic: 'backup-failed',
      subject,
      severity: prod && b.lastPhase === 'Failed' ? 'high' : 'normal',
      title: `${name}: the last backup of ${env} ${b.lastPhase}`,
      description: last
        ? `Backup ${last.name}: ${count(last.errors, 'error')}, ${count(
            last.warnings,
            'warning',
          )}.`
        : `Velero reports ${b.lastPhase}.`,
      resolvedTitle: `${name}: backups of ${env} complete again`,
      link,
      occurrence: last?.name,
    });
  }
  const dueAt = rpoDueAt(b);
  if (dueAt !== undefined && dueAt <= at.nowMs) {
    out.push({
      topic: 'backup-rpo',
      subject,
      severity: prod ? 'high' : 'normal',
      title: `${name}: the last good backup of ${env} is ${hours(
        at.nowMs - Date.parse(b.lastSuccessfulAt!),
      )} old (target ${hours(b.rpoTargetSeconds! * 1000)})`,
      description: `Last successful backup: ${
        b.lastSuccessfulName ?? 'unknown'
      } at ${b.lastSuccessfulAt}.`,
      resolvedTitle: `${name}: ${env} has a backup within its RPO again`,
      link,
    });
  }
  if (prod && b.uncoveredNamespaces.length > 0) {
    out.push({
      topic: 'backup-uncovered',
      subject,
      severity: 'normal',
      title: `${name}: no backup schedule covers ${env}'s namespace${
        b.uncoveredNamespaces.length > 1 ? 's' : ''
      } ${b.uncoveredNamespaces.join(', ')}`,
      description: 'Add a Velero Schedule that includes them.',
      resolvedTitle: `${name}: every namespace of ${env} is backed up by a schedule`,
      link,
      occurrence: b.uncoveredNamespaces.join(','),
    });
  }
  return out;
}
