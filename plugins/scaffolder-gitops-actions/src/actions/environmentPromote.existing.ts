/*
 * Finds a promotion that `gitops:environment:promote` already made, so a retried or
 * concurrent run returns it instead of creating a second one.
 */
import type {
  PromotionRecord,
  PromotionState,
} from '@internal/backstage-plugin-gitops-common';

/** In flight or landed in git but not yet seen synced: a second create would duplicate it. */
const IN_FLIGHT: PromotionState[] = [
  'awaiting-approval',
  'pr-open',
  'committed',
  'merged',
];

/** Landed in git (and maybe synced since). */
export const LANDED: PromotionState[] = ['committed', 'merged', 'synced'];

/** The in-flight promotion `from` → `to` of `version`, if any. */
export function findInFlight(
  list: PromotionRecord[],
  from: string,
  to: string,
  version: string,
): PromotionRecord | undefined {
  return list.find(
    p =>
      p.kind === 'promotion' &&
      p.from === from &&
      p.to === to &&
      p.version === version &&
      IN_FLIGHT.includes(p.state),
  );
}

/**
 * The promotion that put `to` where it is, when it is a promotion `from` → `to` (of `version`
 * when given): the newest landed or rolled-back change of `to` in the (newest first) list.
 */
export function findLanded(
  list: PromotionRecord[],
  from: string,
  to: string,
  version: string | undefined,
): PromotionRecord | undefined {
  const latest = list.find(
    p => p.to === to && [...LANDED, 'rolled-back'].includes(p.state),
  );
  if (
    latest &&
    latest.kind === 'promotion' &&
    latest.from === from &&
    LANDED.includes(latest.state) &&
    (version === undefined || latest.version === version)
  ) {
    return latest;
  }
  return undefined;
}
