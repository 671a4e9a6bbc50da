import {
  compareEnvironments,
  sortEnvironments,
  type EntityEstate,
  type EstateBackups,
  type EstateCost,
  type EstateService,
  type SourceStatus,
} from '@internal/backstage-plugin-gitops-common';
import { describeSource, type MemberSummary } from './memberSummary';
import { roundCents } from '../../util/money';

/** The part of an estate that is the same for every reader who sees the same members. */
export type EstateContent = Omit<
  EntityEstate,
  'entityRef' | 'asOf' | 'approvals'
>;

export type EstateMember = { summary: MemberSummary; systems: string[] };

const FAILURES_SHOWN = 20;
const STATUS_RANK: Record<SourceStatus['status'], number> = {
  error: 0,
  stale: 1,
  ok: 2,
};

/** Each source once (by role, provider and name), in its worst state among `sources`. */
export function worstOfEachSource(
  sources: Iterable<SourceStatus>,
): SourceStatus[] {
  const byId = new Map<string, SourceStatus>();
  for (const source of sources) {
    const id = `${source.kind}\u0000${source.provider}\u0000${source.name}`;
    const seen = byId.get(id);
    if (!seen || STATUS_RANK[source.status] < STATUS_RANK[seen.status]) {
      byId.set(id, source);
    }
  }
  return [...byId.values()];
}

/** Each source of the members once, in its worst state among them. */
function mergeSources(members: EstateMember[]): SourceStatus[] {
  return worstOfEachSource(members.flatMap(m => m.summary.sources)).sort(
    (a, b) =>
      a.kind.localeCompare(b.kind) ||
      a.provider.localeCompare(b.provider) ||
      a.name.localeCompare(b.name),
  );
}

/** Failing rows first, then drifted, then by ref. */
function compareRows(a: EstateService, b: EstateService): number {
  return (
    Number(b.failing) - Number(a.failing) ||
    Number(b.drifted) - Number(a.drifted) ||
    a.entityRef.localeCompare(b.entityRef)
  );
}

function costOf(
  members: EstateMember[],
  sources: SourceStatus[],
  options: { window: string; order: string[]; apart: EstateCost['apart'] },
): EstateCost {
  const byOrder = compareEnvironments(options.order);
  const rows = members
    .flatMap(m => m.summary.cost)
    .sort(
      (a, b) =>
        a.entityRef.localeCompare(b.entityRef) ||
        byOrder(a.environment, b.environment),
    );
  const byEnvironment: Record<string, number> = {};
  let total = 0;
  for (const row of rows) {
    byEnvironment[row.environment] =
      (byEnvironment[row.environment] ?? 0) + row.total;
    total += row.total;
  }
  for (const env of Object.keys(byEnvironment)) {
    byEnvironment[env] = roundCents(byEnvironment[env]);
  }
  const currency = members.find(m => m.summary.currency)?.summary.currency;
  return {
    window: options.window,
    ...(currency ? { currency } : {}),
    rows,
    byEnvironment,
    total: roundCents(total),
    apart: options.apart,
    errors: sources
      .filter(s => s.kind === 'cost' && s.status !== 'ok')
      .map(describeSource),
  };
}

function backupsOf(
  members: EstateMember[],
  sources: SourceStatus[],
): EstateBackups {
  const rpo = members.flatMap(m => m.summary.rpo);
  // Production environments first; among them, never backed up, then the oldest backup.
  const candidates = rpo.some(r => r.production)
    ? rpo.filter(r => r.production)
    : rpo;
  const worst = candidates.reduce<(typeof rpo)[number] | undefined>((a, b) => {
    if (!a) return b;
    if (!b.lastSuccessfulAt) return a.lastSuccessfulAt ? b : a;
    if (!a.lastSuccessfulAt) return a;
    return b.lastSuccessfulAt < a.lastSuccessfulAt ? b : a;
  }, undefined);
  const failures = members
    .flatMap(m => m.summary.failures)
    .sort(
      (a, b) =>
        (b.at ?? '').localeCompare(a.at ?? '') ||
        a.entityRef.localeCompare(b.entityRef),
    )
    .slice(0, FAILURES_SHOWN);
  let worstRpo: EstateBackups['worstRpo'];
  if (worst) {
    const { production: _production, ...rest } = worst;
    worstRpo = rest;
  }
  return {
    uncovered: members.flatMap(m => m.summary.uncovered),
    ...(worstRpo ? { worstRpo } : {}),
    failures,
    errors: sources
      .filter(s => s.kind === 'backup' && s.status !== 'ok')
      .map(describeSource),
  };
}

/**
 * An estate from its members' summaries: the matrix rows (failing first, then drifted, then by
 * ref), the cost per service and environment with its sums, the backups, and every source
 * once. `apart` is what the cost engines report beside workloads (per cluster).
 */
export function composeEstate(options: {
  kind: string;
  members: EstateMember[];
  window: string;
  /** Environments in promotion order (`gitops.environments`). */
  order: string[];
  apart: EstateCost['apart'];
}): EstateContent {
  const { members, order } = options;
  const services = members
    .map(({ summary, systems }) => ({ ...summary.row, systems }))
    .sort(compareRows);
  const sources = mergeSources(members);
  return {
    kind: options.kind,
    environments: sortEnvironments(
      services.flatMap(s => Object.keys(s.environments)),
      order,
    ),
    services,
    cost: costOf(members, sources, options),
    backups: backupsOf(members, sources),
    sources,
  };
}
