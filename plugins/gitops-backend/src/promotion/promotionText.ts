import type { PromotionSubject } from './pullRequestText';
import type { GateResult, PromotionRecord } from './types';

/**
 * Commit messages, branch names and refusal texts of promotions (the pull request's title and
 * body are in `pullRequestText.ts`). All texts of one promotion are written from its subject,
 * so the commit, the PR and the merge never disagree.
 */

/** What a promotion's commit message and pull request text are written from. */
export function subjectOf(
  promotion: Pick<
    PromotionRecord,
    | 'kind'
    | 'fromEnv'
    | 'toEnv'
    | 'version'
    | 'previousVersion'
    | 'requester'
    | 'id'
  >,
  service: string,
): PromotionSubject {
  return {
    kind: promotion.kind,
    service,
    from: promotion.fromEnv,
    to: promotion.toEnv,
    version: promotion.version,
    previousVersion: promotion.previousVersion,
    requester: promotion.requester,
    id: promotion.id,
  };
}

/** The message of the commit that changes the version; `Promotion-Id` ties it to the record. */
export function commitMessage(subject: PromotionSubject) {
  const title =
    subject.kind === 'rollback'
      ? `Roll back ${subject.service} in ${subject.to} to ${subject.version}`
      : `Promote ${subject.service} ${subject.version} to ${subject.to}`;
  const body =
    subject.kind === 'rollback'
      ? `${subject.to} was at ${subject.previousVersion}.`
      : `From ${subject.from}; ${subject.to} was at ${
          subject.previousVersion ?? 'no version'
        }.`;
  return `${title}\n\n${body}\nRequested by ${subject.requester} in Backstage.\n\nPromotion-Id: ${subject.id}\n`;
}

/** The message of the merge of a promotion's pull request by its approver. */
export function mergeMessage(
  promotion: Pick<
    PromotionRecord,
    'branch' | 'kind' | 'version' | 'toEnv' | 'id'
  >,
  service: string,
  approver: string,
) {
  return `Merge ${promotion.branch}: ${promotion.kind} of ${service} ${promotion.version} to ${promotion.toEnv}\n\nApproved by ${approver}.\n\nPromotion-Id: ${promotion.id}\n`;
}

/** The branch of a pull request, e.g. `promote/payments-api-prod-1.4.0` (git-safe). */
export const branchName = (
  prefix: 'promote' | 'rollback',
  service: string,
  env: string,
  version: string,
) => `${prefix}/${service}-${env}-${version}`.replace(/[^A-Za-z0-9._/-]/g, '-');

/** The failed gates as one line, e.g. `smoke: answered 503; source-healthy: …`. */
export const describeGates = (gates: GateResult[]) =>
  gates.map(g => `${g.gate}: ${g.message}`).join('; ');
