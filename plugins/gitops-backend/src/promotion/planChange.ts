import type { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import type { ChangeFn, GitTree } from './GitRepository';
import type { PromotionContext } from './promotionContext';
import {
  assertVersion,
  planVersionChange,
  readEnvironmentVersion,
  resolveVersionTarget,
  type VersionChange,
} from './versionFiles';

/** Where the entity's version in `env` lives at `tree`. */
const versionTarget = (
  ctx: PromotionContext,
  tree: GitTree,
  entity: Entity,
  env: string,
) =>
  resolveVersionTarget(entity, env, tree.readFile, {
    registryPath: ctx.settings.registryPath,
  });

/** Where the entity's version in `env` lives at `tree`, and the version recorded there. */
export async function recordedVersion(
  ctx: PromotionContext,
  tree: GitTree,
  entity: Entity,
  env: string,
) {
  const target = await versionTarget(ctx, tree, entity, env);
  return {
    target,
    version: await readEnvironmentVersion(target, tree.readFile),
  };
}

/** The file edits that set the entity's version in `to` at `tree` (and what it was). */
export async function planChange(
  ctx: PromotionContext,
  options: {
    tree: GitTree;
    entity: Entity;
    to: string;
    version: string;
    deployedBy: string;
  },
): Promise<VersionChange> {
  const { tree, entity, to } = options;
  const target = await versionTarget(ctx, tree, entity, to);
  return planVersionChange(target, tree.readFile, {
    version: options.version,
    deployedAt: ctx.now(),
    deployedBy: options.deployedBy,
  });
}

/** The version to promote: the one given (checked), else what `from` runs at `tree`. */
export async function resolveVersion(
  ctx: PromotionContext,
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
  const current = await recordedVersion(ctx, tree, entity, from);
  if (!current.version) {
    throw new InputError(
      `version: no version of ${entity.metadata.name} is recorded in ${from} (${current.target.path}); give one`,
    );
  }
  return current.version;
}

/**
 * The refusal when the target's version is not the one a promotion was made against: it is
 * never overwritten, whoever moved it (another promotion, a manual commit).
 */
export function versionMoved(options: {
  service: string;
  env: string;
  current: string | undefined;
  expected: string | undefined;
  /** When the expected version was read, e.g. "this promotion was prepared". */
  since: string;
  /** What the user can do. */
  advice: string;
}) {
  return new ConflictError(
    `${options.service} in ${options.env} is at ${
      options.current ?? 'no version'
    } now, not ${options.expected ?? 'no version'} as when ${options.since}; ${
      options.advice
    }`,
  );
}

/**
 * The change function of a commit: re-reads the tip (the repository calls it again on every
 * push rejection), refuses when the target's version is not the expected one any more, and
 * sets the version.
 */
export function changeFn(
  ctx: PromotionContext,
  options: {
    entity: Entity;
    to: string;
    version: string;
    expectedPrevious: string | undefined;
    deployedBy: string;
    message: string;
    onPlan?: (files: VersionChange['files']) => void;
  },
): ChangeFn {
  const { entity, to, version, expectedPrevious } = options;
  const service = entity.metadata.name;
  return async tree => {
    const change = await planChange(ctx, { ...options, tree });
    if (change.previousVersion !== expectedPrevious) {
      throw versionMoved({
        service,
        env: to,
        current: change.previousVersion,
        expected: expectedPrevious,
        since: 'this promotion was prepared',
        advice: 'nothing was changed, preview again',
      });
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
