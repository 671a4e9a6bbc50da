import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  nextEnvironment,
  type PromotionPreview,
} from '@internal/backstage-plugin-gitops-common';
import { randomUUID } from 'node:crypto';
import { unifiedDiff } from './diff';
import { environmentRunsVersion, evaluateGates, failedGates } from './gates';
import type {
  ChangeFn,
  GitAuthor,
  GitRepository,
  GitTree,
} from './GitRepository';
import { isOwner, sameRef } from './owners';
import type { EnvironmentPolicy, PromotionSettings } from './policy';
import type { PromotionStore } from './PromotionStore';
import type { PullRequestProvider } from './PullRequestProvider';
import type {
  Actor,
  AppState,
  AppStatesProvider,
  PromotionRecord,
  PromotionState,
} from './types';
import { type PromotionSubject, pullRequestText } from './pullRequestText';
import {
  assertVersion,
  planVersionChange,
  readEnvironmentVersion,
  resolveVersionTarget,
  type VersionChange,
} from './versionFiles';

/** What a promotion would do, before it does it (the API type of gitops-common). */
export type { PromotionPreview };

/** A promotion as `create`, `approve` and `rollback` return it. */
export type PromotionResult = PromotionRecord & {
  /** Pushes it took (more than 1: the branch moved and the change was re-applied on top). */
  pushAttempts?: number;
};

export type PromotionEvent = {
  type: 'created' | 'approved' | 'merged' | 'synced' | 'failed' | 'rolled-back';
  promotion: PromotionRecord;
  actor?: string;
};

export type PromotionServiceOptions = {
  store: PromotionStore;
  repo: GitRepository;
  pullRequests: PullRequestProvider;
  settings: PromotionSettings;
  clock: { now(): Date };
  /** App states of an environment (wired to the snapshot); feeds the source gate. */
  appStates?: AppStatesProvider;
  /** Commit author for a user (default: the ref as name, `<name>@users.backstage` as email). */
  authorFor?: (userEntityRef: string) => Promise<GitAuthor> | GitAuthor;
  fetchImpl?: typeof fetch;
  logger?: LoggerService;
  /** Every state change, for the auditor and signals. */
  onEvent?: (event: PromotionEvent) => void;
};

type PromoteInput = {
  entity: Entity;
  from: string;
  to: string;
  version?: string;
  requester: Actor;
};

const LANDED: PromotionState[] = ['committed', 'merged', 'synced'];
const OPEN: PromotionState[] = ['pr-open', 'awaiting-approval'];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const branchName = (prefix: string, service: string, env: string, v: string) =>
  `${prefix}/${service}-${env}-${v}`.replace(/[^A-Za-z0-9._/-]/g, '-');

/**
 * The newest landed promotion of each environment whose version the environment's apps now
 * run Synced + Healthy: those can move to `synced`.
 */
export function promotionsReachingSync(
  promotions: PromotionRecord[],
  appsByEnv: Record<string, AppState[] | undefined>,
): PromotionRecord[] {
  const newest = new Map<string, PromotionRecord>();
  for (const p of promotions) {
    if (!LANDED.includes(p.state) && p.state !== 'rolled-back') continue;
    const key = `${p.entityRef}\u0000${p.toEnv}`;
    const current = newest.get(key);
    if (!current || current.createdAt < p.createdAt) newest.set(key, p);
  }
  return [...newest.values()].filter(
    p =>
      (p.state === 'committed' || p.state === 'merged') &&
      environmentRunsVersion(appsByEnv[p.toEnv], p.version),
  );
}

/**
 * Promotion of a version from one environment to the next through a git change: preview
 * (exact diff + gates), create (commit, or branch + pull request), approve (four eyes, merge),
 * rollback (pin the previous version), markSynced, list. Changes to one entity's environment
 * are serialised by a lock in the database, so replicas never interleave; the git push never
 * forces, a moved branch makes the change re-read and re-applied, and a change of the target
 * version since the preview is refused, never overwritten.
 */
export class PromotionService {
  constructor(private readonly options: PromotionServiceOptions) {}

  /** The stored promotion `id` of `entityRef`: 404 when unknown, 400 when of another entity. */
  private async promotionOf(
    id: string,
    entityRef: string,
  ): Promise<PromotionRecord> {
    const promotion = await this.options.store.get(id);
    if (!promotion) throw new NotFoundError(`promotion ${id} not found`);
    if (!sameRef(promotion.entityRef, entityRef)) {
      throw new InputError(`entity: promotion ${id} is not of ${entityRef}`);
    }
    return promotion;
  }

  private get settings() {
    return this.options.settings;
  }

  // --- validation -------------------------------------------------------------------------

  private validateEnvs(from: string, to: string) {
    const envs = this.settings.environments;
    if (typeof from !== 'string' || !envs.includes(from)) {
      throw new InputError(
        `from: unknown environment "${from}" (one of ${envs.join(', ')})`,
      );
    }
    if (typeof to !== 'string' || !envs.includes(to)) {
      throw new InputError(
        `to: unknown environment "${to}" (one of ${envs.join(', ')})`,
      );
    }
    const next = nextEnvironment(from, envs);
    if (to !== next) {
      throw new InputError(
        next
          ? `to: ${to} does not follow ${from}; a version in ${from} goes to ${next}`
          : `from: ${from} is the last environment; there is nothing to promote to`,
      );
    }
  }

  private validateActor(actor: Actor | undefined, field: string) {
    if (!actor?.userEntityRef || !/^user:/i.test(actor.userEntityRef)) {
      throw new InputError(`${field}: must be a signed-in user`);
    }
  }

  private entityRefOf(entity: Entity) {
    if (!entity?.metadata?.name) throw new InputError('entity: is missing');
    // Refs compare case-insensitively; they are stored lowercase.
    return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  }

  private policy(env: string): EnvironmentPolicy {
    return this.settings.policies[env];
  }

  private async author(userEntityRef: string): Promise<GitAuthor> {
    if (this.options.authorFor) return this.options.authorFor(userEntityRef);
    const name = userEntityRef.split('/').pop() ?? userEntityRef;
    return { name: userEntityRef, email: `${name}@users.backstage` };
  }

  private emit(
    type: PromotionEvent['type'],
    promotion: PromotionRecord,
    actor?: string,
  ) {
    try {
      this.options.onEvent?.({ type, promotion, actor });
    } catch (error) {
      this.options.logger?.warn(
        `promotion event handler failed: ${(error as Error).message}`,
      );
    }
  }

  private async withLock<T>(
    entityRef: string,
    env: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const key = { entityRef, env };
    const holder = randomUUID();
    const deadline = Date.now() + this.settings.lockWaitMs;
    for (;;) {
      const now = this.options.clock.now().getTime();
      if (
        await this.options.store.tryAcquireLock(
          key,
          holder,
          this.settings.lockTtlMs,
          now,
        )
      ) {
        break;
      }
      if (Date.now() >= deadline) {
        throw new ConflictError(
          `another promotion of ${entityRef} to ${env} is in progress; try again shortly`,
        );
      }
      await sleep(25 + Math.random() * 75);
    }
    // Keep the lock while the work runs longer than a third of its lifetime.
    const ttl = this.settings.lockTtlMs;
    const heartbeat = setInterval(() => {
      this.options.store
        .renewLock(key, holder, ttl, this.options.clock.now().getTime())
        .catch(() => undefined);
    }, Math.max(1000, ttl / 3));
    heartbeat.unref?.();
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await this.options.store
        .releaseLock(key, holder)
        .catch(error =>
          this.options.logger?.warn(
            `could not release the promotion lock of ${entityRef} ${env}: ${
              (error as Error).message
            }`,
          ),
        );
    }
  }

  // --- planning ---------------------------------------------------------------------------

  private async plan(options: {
    tree: GitTree;
    entity: Entity;
    to: string;
    version: string;
    deployedBy: string;
  }) {
    const read = options.tree.readFile;
    const target = await resolveVersionTarget(
      options.entity,
      options.to,
      read,
      {
        registryPath: this.settings.registryPath,
      },
    );
    const change = await planVersionChange(target, read, {
      version: options.version,
      deployedAt: this.options.clock.now().toISOString(),
      deployedBy: options.deployedBy,
    });
    return { target, change };
  }

  private async resolveVersion(
    tree: GitTree,
    entity: Entity,
    from: string,
    version: string | undefined,
  ): Promise<string> {
    if (version !== undefined) {
      if (typeof version !== 'string') {
        throw new InputError('version: must be a string');
      }
      assertVersion(version);
      return version;
    }
    const target = await resolveVersionTarget(entity, from, tree.readFile, {
      registryPath: this.settings.registryPath,
    });
    const current = await readEnvironmentVersion(target, tree.readFile);
    if (!current) {
      throw new InputError(
        `version: no version of ${entity.metadata.name} is recorded in ${from} (${target.path}); give one`,
      );
    }
    return current;
  }

  /**
   * The change function of a commit: re-reads the tip, refuses when the target's version is
   * not the expected one any more, and sets the version.
   */
  private changeFn(options: {
    entity: Entity;
    to: string;
    version: string;
    expectedPrevious: string | undefined;
    deployedBy: string;
    message: string;
    onPlan?: (files: VersionChange['files']) => void;
  }): ChangeFn {
    const { entity, to, version, expectedPrevious } = options;
    const service = entity.metadata.name;
    return async tree => {
      const { change } = await this.plan({ ...options, tree });
      if (change.previousVersion !== expectedPrevious) {
        throw new ConflictError(
          `${service} in ${to} is at ${
            change.previousVersion ?? 'no version'
          } now, not ${
            expectedPrevious ?? 'no version'
          } as when this promotion was prepared; nothing was changed, preview again`,
        );
      }
      if (change.previousVersion === version || change.files.length === 0) {
        throw new ConflictError(`${service} already runs ${version} in ${to}`);
      }
      options.onPlan?.(change.files);
      return {
        files: Object.fromEntries(change.files.map(f => [f.path, f.after])),
        message: options.message,
      };
    };
  }

  /** What a promotion's commit message and pull request text are written from. */
  private subjectOf(
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

  private message(options: PromotionSubject) {
    const title =
      options.kind === 'rollback'
        ? `Roll back ${options.service} in ${options.to} to ${options.version}`
        : `Promote ${options.service} ${options.version} to ${options.to}`;
    const body =
      options.kind === 'rollback'
        ? `${options.to} was at ${options.previousVersion}.`
        : `From ${options.from}; ${options.to} was at ${
            options.previousVersion ?? 'no version'
          }.`;
    return `${title}\n\n${body}\nRequested by ${options.requester} in Backstage.\n\nPromotion-Id: ${options.id}\n`;
  }

  // --- API --------------------------------------------------------------------------------

  /**
   * The exact change a promotion would make (a unified diff per file, at the current tip),
   * the gate results and the mode. Stored as a `previewed` promotion.
   */
  async preview(input: PromoteInput): Promise<PromotionPreview> {
    const entityRef = this.entityRefOf(input.entity);
    this.validateEnvs(input.from, input.to);
    this.validateActor(input.requester, 'requester');
    const tree = await this.options.repo.tip(this.settings.branch);
    const version = await this.resolveVersion(
      tree,
      input.entity,
      input.from,
      input.version,
    );
    const { change } = await this.plan({
      tree,
      entity: input.entity,
      to: input.to,
      version,
      deployedBy: input.requester.userEntityRef,
    });
    if (change.previousVersion === version) {
      throw new ConflictError(
        `${input.entity.metadata.name} already runs ${version} in ${input.to}`,
      );
    }
    const policy = this.policy(input.to);
    const gates = await evaluateGates({
      entity: input.entity,
      entityRef,
      kind: 'promotion',
      from: input.from,
      to: input.to,
      version,
      requester: input.requester.userEntityRef,
      policy,
      appStates: this.options.appStates,
      fetchImpl: this.options.fetchImpl,
    });
    const files = change.files.map(f => ({
      path: f.path,
      diff: unifiedDiff(f.path, f.before, f.after),
    }));
    const now = this.options.clock.now().toISOString();
    const record: PromotionRecord = {
      id: randomUUID(),
      kind: 'promotion',
      entityRef,
      fromEnv: input.from,
      toEnv: input.to,
      version,
      previousVersion: change.previousVersion,
      requester: input.requester.userEntityRef,
      state: 'previewed',
      mode: policy.mode,
      baseSha: tree.sha,
      gateResults: gates,
      files: files.map(f => f.path),
      createdAt: now,
      updatedAt: now,
    };
    await this.options.store.insert(record);
    const [waiting] = await this.options.store.findByStates(OPEN, {
      entityRef,
      toEnv: input.to,
    });
    return {
      id: record.id,
      entityRef,
      from: input.from,
      to: input.to,
      version,
      previousVersion: change.previousVersion,
      mode: policy.mode,
      branch:
        policy.mode === 'pull-request'
          ? branchName('promote', input.entity.metadata.name, input.to, version)
          : undefined,
      baseSha: tree.sha,
      files,
      gates,
      approvalRequired: policy.approval,
      waiting: waiting && {
        id: waiting.id,
        version: waiting.version,
        state: waiting.state,
        requester: waiting.requester,
      },
      blocked: failedGates(gates).length > 0 || !!waiting,
    };
  }

  /**
   * Promotes: under the database lock of the entity's target environment, re-reads the tip,
   * checks the gates and that the target still has the version the preview saw, then commits
   * and pushes (commit mode) or pushes a branch and opens a pull request (pull-request mode;
   * `awaiting-approval` when the environment needs an approval, else `pr-open`).
   */
  async create(
    input: PromoteInput & {
      /** A preview to promote exactly (its version and the version it replaces). */
      previewId?: string;
      /** Refuse unless the target is at this version (default: what it is at now). */
      expectedPreviousVersion?: string;
    },
  ): Promise<PromotionResult> {
    const entityRef = this.entityRefOf(input.entity);
    this.validateActor(input.requester, 'requester');
    let from = input.from;
    let to = input.to;
    let version = input.version;
    let expectedPrevious = input.expectedPreviousVersion;
    let baseSha: string | undefined;
    let previewed: PromotionRecord | undefined;
    if (input.previewId) {
      previewed = await this.options.store.get(input.previewId);
      if (!previewed || previewed.state !== 'previewed') {
        throw new InputError(
          `previewId: no open preview ${input.previewId} (it may have been used already)`,
        );
      }
      if (
        !sameRef(previewed.entityRef, entityRef) ||
        !sameRef(previewed.requester, input.requester.userEntityRef)
      ) {
        throw new InputError(
          'previewId: the preview is of another entity or requester',
        );
      }
      from = previewed.fromEnv;
      to = previewed.toEnv;
      version = previewed.version;
      expectedPrevious = previewed.previousVersion;
      baseSha = previewed.baseSha;
    }
    this.validateEnvs(from, to);
    const tree = await this.options.repo.tip(this.settings.branch);
    baseSha ??= tree.sha;
    version = await this.resolveVersion(tree, input.entity, from, version);
    if (!input.previewId && input.expectedPreviousVersion === undefined) {
      const { change } = await this.plan({
        tree,
        entity: input.entity,
        to,
        version,
        deployedBy: input.requester.userEntityRef,
      });
      expectedPrevious = change.previousVersion;
    }
    const policy = this.policy(to);
    const gates = await evaluateGates({
      entity: input.entity,
      entityRef,
      kind: 'promotion',
      from,
      to,
      version,
      requester: input.requester.userEntityRef,
      policy,
      appStates: this.options.appStates,
      fetchImpl: this.options.fetchImpl,
    });
    const now = this.options.clock.now().toISOString();
    const record: PromotionRecord = {
      id: previewed?.id ?? randomUUID(),
      kind: 'promotion',
      entityRef,
      fromEnv: from,
      toEnv: to,
      version,
      previousVersion: expectedPrevious,
      requester: input.requester.userEntityRef,
      state: 'failed',
      mode: policy.mode,
      baseSha,
      gateResults: gates,
      files: [],
      createdAt: previewed?.createdAt ?? now,
      updatedAt: now,
    };
    return this.land(record, {
      entity: input.entity,
      policy,
      previewed: !!previewed,
    });
  }

  /** Runs the git side of a promotion or rollback under the lock and records the outcome. */
  private async land(
    record: PromotionRecord,
    options: { entity: Entity; policy: EnvironmentPolicy; previewed: boolean },
  ): Promise<PromotionResult> {
    const { store } = this.options;
    const save = async (r: PromotionRecord) => {
      if (options.previewed) {
        const { id, createdAt, ...patch } = r;
        return store.update(id, patch, { expectStates: ['previewed'] });
      }
      await store.insert(r);
      return r;
    };
    const failed = failedGates(record.gateResults);
    if (failed.length) {
      const error = `blocked by ${failed
        .map(g => `${g.gate}: ${g.message}`)
        .join('; ')}`;
      const saved = await save({ ...record, state: 'failed', error });
      this.emit('failed', saved, record.requester);
      throw new ConflictError(
        `${record.entityRef} to ${record.toEnv}: ${error}`,
      );
    }
    const service = options.entity.metadata.name;
    const author = await this.author(record.requester);
    const subject = this.subjectOf(record, service);
    const message = this.message(subject);
    let files: string[] = [];
    let planned: VersionChange['files'] = [];
    const change = this.changeFn({
      entity: options.entity,
      to: record.toEnv,
      version: record.version,
      expectedPrevious: record.previousVersion,
      deployedBy: record.requester,
      message,
      onPlan: changed => {
        planned = changed;
        files = changed.map(f => f.path);
      },
    });
    try {
      const result = await this.withLock(
        record.entityRef,
        record.toEnv,
        async () => {
          const open = await store.findByStates(OPEN, {
            entityRef: record.entityRef,
            toEnv: record.toEnv,
          });
          if (open.length) {
            throw new ConflictError(
              `${record.entityRef} already has a ${open[0].kind} of ${open[0].version} to ${record.toEnv} waiting (${open[0].state}); merge or close it first`,
            );
          }
          if (options.policy.mode === 'commit') {
            const commit = await this.options.repo.commit({
              branch: this.settings.branch,
              author,
              change,
            });
            if (!commit) throw new ConflictError('nothing to change');
            const landed = await save({
              ...record,
              state: 'committed',
              commitSha: commit.sha,
              files,
              updatedAt: this.options.clock.now().toISOString(),
            });
            if (record.rollbackOf) await this.markRolledBack(record.rollbackOf);
            return { ...landed, pushAttempts: commit.attempts };
          }
          const branch = branchName(
            record.kind === 'rollback' ? 'rollback' : 'promote',
            service,
            record.toEnv,
            record.version,
          );
          // A branch of that name no open promotion uses (e.g. of a same-named entity in
          // another namespace) is left from a failed attempt: rebuild it, and the provider
          // finds the pull request still open on it.
          const taken = (await store.findByStates(OPEN)).some(
            p => p.branch === branch,
          );
          const commit = await this.options.repo.commit({
            branch,
            createFrom: this.settings.branch,
            replaceBranch: !taken,
            author,
            change,
          });
          if (!commit) throw new ConflictError('nothing to change');
          const pr = await this.options.pullRequests.open({
            branch,
            base: this.settings.branch,
            ...pullRequestText({
              ...subject,
              approval: options.policy.approval,
              files: planned,
            }),
          });
          const opened = await save({
            ...record,
            state: options.policy.approval ? 'awaiting-approval' : 'pr-open',
            commitSha: commit.sha,
            branch,
            prUrl: pr.url,
            files,
            updatedAt: this.options.clock.now().toISOString(),
          });
          return { ...opened, pushAttempts: commit.attempts };
        },
      );
      this.emit('created', result, record.requester);
      return result;
    } catch (error) {
      const text = (error as Error).message;
      const saved = await save({
        ...record,
        state: 'failed',
        error: text,
        files,
        updatedAt: this.options.clock.now().toISOString(),
      }).catch(() => undefined);
      if (saved) this.emit('failed', saved, record.requester);
      throw error;
    }
  }

  private async markRolledBack(id: string) {
    const original = await this.options.store.get(id);
    if (!original || !LANDED.includes(original.state)) return;
    const updated = await this.options.store.update(
      id,
      {
        state: 'rolled-back',
        updatedAt: this.options.clock.now().toISOString(),
      },
      { expectStates: LANDED },
    );
    this.emit('rolled-back', updated);
  }

  /**
   * Approves and merges a promotion waiting in a pull request. Four eyes: the approver must
   * own the entity and be someone other than the requester. The target must still be at the
   * version the promotion replaces, and the automatic gates must still pass.
   */
  async approve(input: {
    id: string;
    entity: Entity;
    approver: Actor;
  }): Promise<PromotionResult> {
    const { store } = this.options;
    this.validateActor(input.approver, 'approver');
    const entityRef = this.entityRefOf(input.entity);
    const promotion = await this.promotionOf(input.id, entityRef);
    if (!OPEN.includes(promotion.state)) {
      throw new ConflictError(
        `promotion ${input.id} is ${promotion.state}; only a promotion waiting in a pull request can be approved`,
      );
    }
    const approver = input.approver.userEntityRef;
    // Four eyes where the environment needs an approval; a plain pull request (pr-open) may
    // be merged by any owner, its requester included.
    if (
      promotion.state === 'awaiting-approval' &&
      sameRef(approver, promotion.requester)
    ) {
      throw new NotAllowedError(
        `four eyes: ${approver} requested this promotion and cannot approve it; another owner of ${entityRef} must`,
      );
    }
    if (!isOwner(input.approver, input.entity)) {
      throw new NotAllowedError(
        `${approver} does not own ${entityRef}; only its owners can approve`,
      );
    }
    const policy = this.policy(promotion.toEnv);
    const result = await this.withLock(entityRef, promotion.toEnv, async () => {
      const tree = await this.options.repo.tip(this.settings.branch);
      const target = await resolveVersionTarget(
        input.entity,
        promotion.toEnv,
        tree.readFile,
        { registryPath: this.settings.registryPath },
      );
      const current = await readEnvironmentVersion(target, tree.readFile);
      if (current !== promotion.previousVersion) {
        throw new ConflictError(
          `${input.entity.metadata.name} in ${promotion.toEnv} is at ${
            current ?? 'no version'
          } now, not ${
            promotion.previousVersion ?? 'no version'
          } as when this pull request was opened; close it and promote again`,
        );
      }
      const gates = await evaluateGates({
        entity: input.entity,
        entityRef,
        kind: promotion.kind,
        from: promotion.fromEnv,
        to: promotion.toEnv,
        version: promotion.version,
        requester: promotion.requester,
        approver,
        policy,
        appStates: this.options.appStates,
        fetchImpl: this.options.fetchImpl,
      });
      const failed = failedGates(gates);
      if (failed.length) {
        throw new ConflictError(
          `cannot merge yet: ${failed
            .map(g => `${g.gate}: ${g.message}`)
            .join('; ')}`,
        );
      }
      const pullRequest = {
        url: promotion.prUrl ?? '',
        branch: promotion.branch ?? '',
        base: this.settings.branch,
      };
      const merge = async () =>
        this.options.pullRequests.merge({
          pullRequest,
          author: await this.author(approver),
          message: `Merge ${promotion.branch}: ${promotion.kind} of ${input.entity.metadata.name} ${promotion.version} to ${promotion.toEnv}\n\nApproved by ${approver}.\n\nPromotion-Id: ${promotion.id}\n`,
        });
      let merged: { sha: string };
      try {
        try {
          merged = await merge();
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          // The base changed the same lines (e.g. the registry): rebuild the branch on the
          // base by re-applying the change (still refused if the version moved), then merge.
          this.options.logger?.info(
            `rebasing ${pullRequest.branch} onto ${pullRequest.base}: ${error.message}`,
          );
          await this.options.repo.commit({
            branch: pullRequest.branch,
            createFrom: pullRequest.base,
            replaceBranch: true,
            author: await this.author(promotion.requester),
            change: this.changeFn({
              entity: input.entity,
              to: promotion.toEnv,
              version: promotion.version,
              expectedPrevious: promotion.previousVersion,
              deployedBy: promotion.requester,
              message: this.message(
                this.subjectOf(promotion, input.entity.metadata.name),
              ),
            }),
          });
          merged = await merge();
        }
      } catch (error) {
        if (error instanceof ConflictError) {
          const failedRecord = await store.update(
            promotion.id,
            {
              state: 'failed',
              approver,
              error: error.message,
              updatedAt: this.options.clock.now().toISOString(),
            },
            { expectStates: OPEN },
          );
          this.emit('failed', failedRecord, approver);
        }
        throw error;
      }
      const updated = await store.update(
        promotion.id,
        {
          state: 'merged',
          approver,
          commitSha: merged.sha,
          gateResults: gates,
          updatedAt: this.options.clock.now().toISOString(),
        },
        { expectStates: OPEN },
      );
      if (promotion.rollbackOf) await this.markRolledBack(promotion.rollbackOf);
      return updated;
    });
    this.emit('approved', result, approver);
    this.emit('merged', result, approver);
    return result;
  }

  /**
   * Closes a promotion waiting in a pull request without merging it (its requester or an
   * owner of the entity): the pull request is closed and the promotion ends `failed`.
   */
  async close(input: {
    id: string;
    entity: Entity;
    actor: Actor;
  }): Promise<PromotionRecord> {
    this.validateActor(input.actor, 'actor');
    const entityRef = this.entityRefOf(input.entity);
    const promotion = await this.promotionOf(input.id, entityRef);
    if (!OPEN.includes(promotion.state)) {
      throw new ConflictError(
        `promotion ${input.id} is ${promotion.state}; only a promotion waiting in a pull request can be closed`,
      );
    }
    const actor = input.actor.userEntityRef;
    if (
      !sameRef(actor, promotion.requester) &&
      !isOwner(input.actor, input.entity)
    ) {
      throw new NotAllowedError(
        `${actor} neither requested this promotion nor owns ${entityRef}`,
      );
    }
    return this.withLock(entityRef, promotion.toEnv, async () => {
      if (promotion.branch) {
        await this.options.pullRequests.close({
          pullRequest: {
            url: promotion.prUrl ?? '',
            branch: promotion.branch,
            base: this.settings.branch,
          },
        });
      }
      const closed = await this.options.store.update(
        promotion.id,
        {
          state: 'failed',
          error: `closed without merging by ${actor}`,
          updatedAt: this.options.clock.now().toISOString(),
        },
        { expectStates: OPEN },
      );
      this.emit('failed', closed, actor);
      return closed;
    });
  }

  /**
   * Rolls a landed promotion back by pinning the version it replaced, with the same gates and
   * mode as a promotion into that environment (a prod rollback waits for an approval). Refused
   * when the environment has moved on from the promotion's version.
   */
  async rollback(input: {
    id: string;
    entity: Entity;
    requester: Actor;
  }): Promise<PromotionResult> {
    this.validateActor(input.requester, 'requester');
    const entityRef = this.entityRefOf(input.entity);
    const original = await this.promotionOf(input.id, entityRef);
    if (!LANDED.includes(original.state)) {
      throw new ConflictError(
        `promotion ${input.id} is ${original.state}; only a landed promotion (committed, merged or synced) can be rolled back`,
      );
    }
    if (!original.previousVersion) {
      throw new ConflictError(
        `promotion ${input.id} replaced no version; there is nothing to roll back to`,
      );
    }
    const env = original.toEnv;
    const policy = this.policy(env);
    const gates = await evaluateGates({
      entity: input.entity,
      entityRef,
      kind: 'rollback',
      from: env,
      to: env,
      version: original.previousVersion,
      requester: input.requester.userEntityRef,
      policy,
      appStates: this.options.appStates,
      fetchImpl: this.options.fetchImpl,
    });
    const tree = await this.options.repo.tip(this.settings.branch);
    const now = this.options.clock.now().toISOString();
    return this.land(
      {
        id: randomUUID(),
        kind: 'rollback',
        entityRef,
        fromEnv: env,
        toEnv: env,
        version: original.previousVersion,
        // The rollback only applies while the environment still runs the promotion's version.
        previousVersion: original.version,
        requester: input.requester.userEntityRef,
        state: 'failed',
        mode: policy.mode,
        baseSha: tree.sha,
        gateResults: gates,
        files: [],
        rollbackOf: original.id,
        createdAt: now,
        updatedAt: now,
      },
      { entity: input.entity, policy, previewed: false },
    );
  }

  /**
   * Moves the newest landed promotion of `env` to `synced` when the environment's apps run
   * its version Synced + Healthy (the lead calls it from snapshot updates).
   */
  async markSynced(input: {
    entityRef: string;
    env: string;
    apps: AppState[];
  }): Promise<PromotionRecord[]> {
    const candidates = await this.options.store.findByStates(
      [...LANDED, 'rolled-back'],
      {
        entityRef: input.entityRef.toLocaleLowerCase('en-US'),
        toEnv: input.env,
      },
    );
    const reached = promotionsReachingSync(candidates, {
      [input.env]: input.apps,
    });
    const updated: PromotionRecord[] = [];
    for (const promotion of reached) {
      try {
        const record = await this.options.store.update(
          promotion.id,
          {
            state: 'synced',
            updatedAt: this.options.clock.now().toISOString(),
          },
          { expectStates: ['committed', 'merged'] },
        );
        updated.push(record);
        this.emit('synced', record);
      } catch (error) {
        // Another replica got there first.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    return updated;
  }

  /**
   * The environments (per entity) where a landed promotion waits for its apps to run its
   * version: what `markSynced` should be called for when the snapshot of their apps changes.
   * With `entityRefs`, only those entities.
   */
  async awaitingSync(
    entityRefs?: Iterable<string>,
  ): Promise<Array<{ entityRef: string; env: string }>> {
    const wanted = entityRefs
      ? new Set([...entityRefs].map(r => r.toLocaleLowerCase('en-US')))
      : undefined;
    const landed = await this.options.store.findByStates([
      'committed',
      'merged',
    ]);
    const seen = new Map<string, { entityRef: string; env: string }>();
    for (const p of landed) {
      if (wanted && !wanted.has(p.entityRef)) continue;
      seen.set(`${p.entityRef}\u0000${p.toEnv}`, {
        entityRef: p.entityRef,
        env: p.toEnv,
      });
    }
    return [...seen.values()];
  }

  /** Promotions and rollbacks of an entity, newest first (previews left out). */
  list(entityRef: string, options: { limit?: number } = {}) {
    return this.options.store.list(
      entityRef.toLocaleLowerCase('en-US'),
      options,
    );
  }

  get(id: string) {
    return this.options.store.get(id);
  }
}
