import type { LoggerService } from '@backstage/backend-plugin-api';
import { evaluateGates } from './gates';
import type { GitAuthor, GitRepository } from './GitRepository';
import type { EnvironmentPolicy, PromotionSettings } from './policy';
import type { PromotionStore } from './PromotionStore';
import type { PullRequestProvider } from './PullRequestProvider';
import type { AppStatesProvider, GateResult, PromotionRecord } from './types';

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

/** A gate evaluation without what the context supplies (app states, fetch). */
type GateQuery = Omit<
  Parameters<typeof evaluateGates>[0],
  'appStates' | 'fetchImpl'
>;

/**
 * What every step of a promotion works with: the service's options plus the few helpers
 * each step would otherwise rebuild (the time as stored, the policy, the author, events).
 */
export type PromotionContext = PromotionServiceOptions & {
  /** The clock's time as records store it (ISO). */
  now(): string;
  policy(env: string): EnvironmentPolicy;
  author(userEntityRef: string): Promise<GitAuthor>;
  /** Never throws: a failing event handler must not undo a landed promotion. */
  emit(
    type: PromotionEvent['type'],
    promotion: PromotionRecord,
    actor?: string,
  ): void;
  /** The gates of a promotion, with the context's app states and fetch. */
  gates(query: GateQuery): Promise<GateResult[]>;
};

export function promotionContext(
  options: PromotionServiceOptions,
): PromotionContext {
  return {
    ...options,
    now: () => options.clock.now().toISOString(),
    policy: env => options.settings.policies[env],
    author: async userEntityRef => {
      if (options.authorFor) return options.authorFor(userEntityRef);
      const name = userEntityRef.split('/').pop() ?? userEntityRef;
      return { name: userEntityRef, email: `${name}@users.backstage` };
    },
    emit: (type, promotion, actor) => {
      try {
        options.onEvent?.({ type, promotion, actor });
      } catch (error) {
        options.logger?.warn(
          `promotion event handler failed: ${(error as Error).message}`,
        );
      }
    },
    gates: query =>
      evaluateGates({
        ...query,
        appStates: options.appStates,
        fetchImpl: options.fetchImpl,
      }),
  };
}
