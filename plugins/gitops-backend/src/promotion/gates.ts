import type { Entity } from '@backstage/catalog-model';
import { safeUrl } from '../util/errors';
import type { EnvironmentPolicy } from './policy';
import type {
  AppState,
  AppStatesProvider,
  GateResult,
  PromotionKind,
} from './types';

/** The tag of an image reference (`host:5000/x/y:1.2.3@sha256:...` → `1.2.3`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

/** True when the app runs `version` and is Synced + Healthy. */
export function appRunsVersion(app: AppState, version: string): boolean {
  return (
    app.sync === 'Synced' &&
    app.health === 'Healthy' &&
    app.images.some(image => imageTag(image) === version)
  );
}

/** True when there are apps and all of them run `version` Synced + Healthy. */
export function environmentRunsVersion(
  apps: AppState[] | undefined,
  version: string,
): boolean {
  return !!apps?.length && apps.every(app => appRunsVersion(app, version));
}

const describeApp = (app: AppState) =>
  `${app.name} is ${app.sync}/${app.health} running ${
    app.images.map(i => imageTag(i) ?? i).join(', ') || 'nothing'
  }`;

export async function sourceHealthyGate(options: {
  entity: Entity;
  entityRef: string;
  from: string;
  version: string;
  appStates?: AppStatesProvider;
}): Promise<GateResult> {
  const { from, version } = options;
  if (!options.appStates) {
    return {
      gate: 'source-healthy',
      status: 'failed',
      message: `the state of ${from} is not available`,
    };
  }
  let apps: AppState[] | undefined;
  try {
    apps = await options.appStates({
      entity: options.entity,
      entityRef: options.entityRef,
      env: from,
    });
  } catch (error) {
    return {
      gate: 'source-healthy',
      status: 'failed',
      message: `the state of ${from} could not be read: ${
        (error as Error).message
      }`,
    };
  }
  if (!apps?.length) {
    return {
      gate: 'source-healthy',
      status: 'failed',
      message: `no application of ${options.entityRef} found in ${from}`,
    };
  }
  const bad = apps.filter(app => !appRunsVersion(app, version));
  if (bad.length) {
    return {
      gate: 'source-healthy',
      status: 'failed',
      message: `${from} must run ${version} Synced and Healthy: ${bad
        .map(describeApp)
        .join('; ')}`,
    };
  }
  return {
    gate: 'source-healthy',
    status: 'passed',
    message: `${from} runs ${version}, Synced and Healthy (${apps
      .map(a => a.name)
      .join(', ')})`,
  };
}

export async function smokeGate(options: {
  check: { url: string; timeoutMs: number };
  vars: Record<string, string>;
  fetchImpl?: typeof fetch;
}): Promise<GateResult> {
  const url = options.check.url.replace(/\{(\w+)\}/g, (whole, name) =>
    name in options.vars ? encodeURIComponent(options.vars[name]) : whole,
  );
  const shown = safeUrl(url);
  const doFetch = options.fetchImpl ?? fetch;
  try {
    const response = await doFetch(url, {
      method: 'GET',
      redirect: 'follow',
      signal: AbortSignal.timeout(options.check.timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) {
      return {
        gate: 'smoke',
        status: 'passed',
        message: `${shown} answered ${response.status}`,
      };
    }
    return {
      gate: 'smoke',
      status: 'failed',
      message: `${shown} answered ${response.status}, expected 2xx`,
    };
  } catch (error) {
    const name = (error as Error).name;
    return {
      gate: 'smoke',
      status: 'failed',
      message:
        name === 'TimeoutError' || name === 'AbortError'
          ? `${shown} did not answer within ${options.check.timeoutMs} ms`
          : `${shown} could not be reached`,
    };
  }
}

export function approvalGate(options: {
  policy: EnvironmentPolicy;
  requester: string;
  approver?: string;
}): GateResult {
  if (!options.policy.approval) {
    return { gate: 'approval', status: 'skipped', message: 'not required' };
  }
  if (options.approver) {
    return {
      gate: 'approval',
      status: 'passed',
      message: `approved by ${options.approver}`,
    };
  }
  return {
    gate: 'approval',
    status: 'pending',
    message: `needs an approval by an owner other than ${options.requester}`,
  };
}

/**
 * Evaluates every gate of the target environment's policy. A rollback skips the source gate
 * (the version it pins ran in this environment before) but keeps the others.
 */
export async function evaluateGates(options: {
  entity: Entity;
  entityRef: string;
  kind: PromotionKind;
  from: string;
  to: string;
  version: string;
  requester: string;
  approver?: string;
  policy: EnvironmentPolicy;
  appStates?: AppStatesProvider;
  fetchImpl?: typeof fetch;
}): Promise<GateResult[]> {
  const { policy } = options;
  const results: GateResult[] = [];
  if (!policy.requireSourceHealthy || options.kind === 'rollback') {
    results.push({
      gate: 'source-healthy',
      status: 'skipped',
      message:
        options.kind === 'rollback'
          ? 'not checked for a rollback'
          : 'not required',
    });
  } else {
    results.push(await sourceHealthyGate(options));
  }
  if (policy.smokeCheck) {
    results.push(
      await smokeGate({
        check: policy.smokeCheck,
        fetchImpl: options.fetchImpl,
        vars: {
          service: options.entity.metadata.name,
          from: options.from,
          to: options.to,
          version: options.version,
        },
      }),
    );
  } else {
    results.push({
      gate: 'smoke',
      status: 'skipped',
      message: 'not configured',
    });
  }
  results.push(approvalGate(options));
  return results;
}

/** Gates that stop a promotion now (a pending approval does not). */
export const failedGates = (gates: GateResult[]) =>
  gates.filter(g => g.status === 'failed');
