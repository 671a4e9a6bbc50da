import type { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { withLock } from './entityEnvLock';
import { failedGates } from './gates';
import type { ChangeFn, CommitResult, GitAuthor } from './GitRepository';
import { changeFn } from './planChange';
import type { EnvironmentPolicy } from './policy';
import type { PromotionContext, PromotionResult } from './promotionContext';
import { markRolledBack, OPEN } from './promotionStates';
import {
  branchName,
  commitMessage,
  describeGates,
  subjectOf,
} from './promotionText';
import { pullRequestText, type PromotionSubject } from './pullRequestText';
import type { PromotionRecord } from './types';
import type { VersionChange } from './versionFiles';

/** One promotion or rollback on its way onto the branch, as both modes need it. */
type Landing = {
  record: PromotionRecord;
  policy: EnvironmentPolicy;
  service: string;
  author: GitAuthor;
  subject: PromotionSubject;
  change: ChangeFn;
  /** The files of the change's last run (it runs again after each push rejection). */
  planned: { files: VersionChange['files'] };
  save: (record: PromotionRecord) => Promise<PromotionRecord>;
};

const paths = (files: VersionChange['files']) => files.map(f => f.path);

function pushed(commit: CommitResult | undefined): CommitResult {
  if (!commit) throw new ConflictError('nothing to change');
  return commit;
}

/**
 * Stores the outcome: a promotion made from a preview updates it (only while still
 * `previewed`, so one preview cannot land twice), any other is inserted.
 */
function saver(ctx: PromotionContext, previewed: boolean) {
  return async (record: PromotionRecord) => {
    if (previewed) {
      const { id, createdAt, ...patch } = record;
      return ctx.store.update(id, patch, { expectStates: ['previewed'] });
    }
    await ctx.store.insert(record);
    return record;
  };
}

/**
 * One pull request per entity + environment at a time: a second would be made against a
 * version the first is about to replace. Checked under the lock, so replicas agree.
 */
async function assertNoneWaiting(
  ctx: PromotionContext,
  record: PromotionRecord,
) {
  const [open] = await ctx.store.findByStates(OPEN, {
    entityRef: record.entityRef,
    toEnv: record.toEnv,
  });
  if (open) {
    throw new ConflictError(
      `${record.entityRef} already has a ${open.kind} of ${open.version} to ${record.toEnv} waiting (${open.state}); merge or close it first`,
    );
  }
}

/** Commit mode: the change is committed and pushed onto the environment's branch. */
async function commitOntoBranch(
  ctx: PromotionContext,
  landing: Landing,
): Promise<PromotionResult> {
  const { record } = landing;
  const commit = pushed(
    await ctx.repo.commit({
      branch: ctx.settings.branch,
      author: landing.author,
      change: landing.change,
    }),
  );
  const landed = await landing.save({
    ...record,
    state: 'committed',
    commitSha: commit.sha,
    files: paths(landing.planned.files),
    updatedAt: ctx.now(),
  });
  if (record.rollbackOf) await markRolledBack(ctx, record.rollbackOf);
  return { ...landed, pushAttempts: commit.attempts };
}

/** Pull-request mode: the change is pushed to its own branch and a pull request opened. */
async function openPullRequest(
  ctx: PromotionContext,
  landing: Landing,
): Promise<PromotionResult> {
  const { record, policy } = landing;
  const branch = branchName(
    record.kind === 'rollback' ? 'rollback' : 'promote',
    landing.service,
    record.toEnv,
    record.version,
  );
  // A branch of that name no open promotion uses (e.g. of a same-named entity in another
  // namespace) is left from a failed attempt: rebuild it, and the provider finds the pull
  // request still open on it.
  const taken = (await ctx.store.findByStates(OPEN)).some(
    p => p.branch === branch,
  );
  const commit = pushed(
    await ctx.repo.commit({
      branch,
      createFrom: ctx.settings.branch,
      replaceBranch: !taken,
      author: landing.author,
      change: landing.change,
    }),
  );
  const pr = await ctx.pullRequests.open({
    branch,
    base: ctx.settings.branch,
    ...pullRequestText({
      ...landing.subject,
      approval: policy.approval,
      files: landing.planned.files,
    }),
  });
  const opened = await landing.save({
    ...record,
    state: policy.approval ? 'awaiting-approval' : 'pr-open',
    commitSha: commit.sha,
    branch,
    prUrl: pr.url,
    files: paths(landing.planned.files),
    updatedAt: ctx.now(),
  });
  return { ...opened, pushAttempts: commit.attempts };
}

/**
 * Runs the git side of a promotion or rollback and records the outcome. Refused (and
 * recorded `failed`) when a gate failed. Under the lock of the entity's target environment:
 * refused while another pull request of it waits; then the change re-reads the tip and is
 * refused if the target's version moved, else committed (commit mode) or pushed to a branch
 * with a pull request (`awaiting-approval` when the environment needs an approval, else
 * `pr-open`). Any failure is recorded on the promotion before it is thrown.
 */
export async function landPromotion(
  ctx: PromotionContext,
  record: PromotionRecord,
  options: { entity: Entity; policy: EnvironmentPolicy; previewed: boolean },
): Promise<PromotionResult> {
  const save = saver(ctx, options.previewed);
  const failed = failedGates(record.gateResults);
  if (failed.length) {
    const error = `blocked by ${describeGates(failed)}`;
    const saved = await save({ ...record, state: 'failed', error });
    ctx.emit('failed', saved, record.requester);
    throw new ConflictError(`${record.entityRef} to ${record.toEnv}: ${error}`);
  }
  const service = options.entity.metadata.name;
  const subject = subjectOf(record, service);
  const planned: Landing['planned'] = { files: [] };
  const landing: Landing = {
    record,
    policy: options.policy,
    service,
    author: await ctx.author(record.requester),
    subject,
    change: changeFn(ctx, {
      entity: options.entity,
      to: record.toEnv,
      version: record.version,
      expectedPrevious: record.previousVersion,
      deployedBy: record.requester,
      message: commitMessage(subject),
      onPlan: changed => {
        planned.files = changed;
      },
    }),
    planned,
    save,
  };
  try {
    const result = await withLock(
      ctx,
      record.entityRef,
      record.toEnv,
      async () => {
        await assertNoneWaiting(ctx, record);
        return options.policy.mode === 'commit'
          ? commitOntoBranch(ctx, landing)
          : openPullRequest(ctx, landing);
      },
    );
    ctx.emit('created', result, record.requester);
    return result;
  } catch (error) {
    const saved = await save({
      ...record,
      state: 'failed',
      error: (error as Error).message,
      files: paths(planned.files),
      updatedAt: ctx.now(),
    }).catch(() => undefined);
    if (saved) ctx.emit('failed', saved, record.requester);
    throw error;
  }
}
