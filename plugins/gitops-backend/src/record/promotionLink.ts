import { imageTag } from '../entities/workloads';
import type { PromotionRecord } from '../promotion';
import type { DeploymentRow } from './recordRows';

/** States of a promotion whose change reached the environment's branch. */
const LANDED_OR_AFTER: PromotionRecord['state'][] = [
  'committed',
  'merged',
  'synced',
  'rolled-back',
];

/**
 * The promotion that caused a deployment, among the promotions of the application's entities.
 * First by revision: the commit the promotion landed (a commit, or a pull request's merge) is
 * what Argo CD synced. Else, when a later commit moved the branch before Argo CD synced, by
 * entity + environment + version within the promotion's landed..synced time: created before
 * the deployment finished and, once synced (or rolled back), not moved after it. The newest
 * such promotion wins.
 */
export function promotionOf(
  row: Pick<
    DeploymentRow,
    'environment' | 'revision' | 'images' | 'finishedAt'
  >,
  promotions: PromotionRecord[],
): string | undefined {
  const candidates = promotions
    .filter(
      p => p.toEnv === row.environment && LANDED_OR_AFTER.includes(p.state),
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const byCommit = candidates.find(
    p => p.commitSha && row.revision && p.commitSha === row.revision,
  );
  if (byCommit) return byCommit.id;
  const finished = Date.parse(row.finishedAt);
  const tags = new Set(row.images.map(imageTag).filter(Boolean));
  return candidates.find(p => {
    if (!tags.has(p.version)) return false;
    if (Date.parse(p.createdAt) > finished) return false;
    const settled = p.state === 'synced' || p.state === 'rolled-back';
    return !settled || Date.parse(p.updatedAt) >= finished;
  })?.id;
}
