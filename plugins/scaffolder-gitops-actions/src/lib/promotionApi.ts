import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  PromotionListResponse,
  PromotionPreview,
  PromotionPreviewRequest,
  PromotionRecord,
  PromotionRequest,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsEntityPath } from '@internal/backstage-plugin-gitops-common';

/** What a call is about, for error messages (never the token). */
export type PromotionCallContext = {
  entityRef: string;
  from: string;
  to: string;
  version?: string;
};

/**
 * A minimal client of the gitops backend's promotion routes, called with a token issued on
 * behalf of the task's initiator. Errors keep the backend's message and become the matching
 * Backstage error, phrased for a template author.
 */
export class PromotionApi {
  constructor(
    private readonly options: {
      baseUrl: string;
      entity: CompoundEntityRef;
      token: () => Promise<string>;
      context: PromotionCallContext;
      signal?: AbortSignal;
      /** Per request; a create may wait for a lock and a git push. */
      timeoutMs?: number;
    },
  ) {}

  list(): Promise<PromotionListResponse> {
    return this.call('GET', '/promotions');
  }

  preview(body: PromotionPreviewRequest): Promise<PromotionPreview> {
    return this.call('POST', '/promotions/preview', body);
  }

  create(body: PromotionRequest): Promise<PromotionRecord> {
    return this.call('POST', '/promotions', body);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    suffix: string,
    body?: object,
  ): Promise<T> {
    const url = `${this.options.baseUrl}${gitopsEntityPath(
      this.options.entity,
    )}${suffix}`;
    const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 120_000)];
    if (this.options.signal) signals.push(this.options.signal);
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${await this.options.token()}`,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.any(signals),
    });
    if (response.ok) return (await response.json()) as T;
    throw toActionError(
      response.status,
      await backendMessage(response),
      method === 'GET' ? 'list the promotions of' : 'promote',
      this.options.context,
    );
  }
}

/** The message of Backstage's error body (`{error: {name, message}}`), else the status text. */
async function backendMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not JSON: fall through
  }
  return (
    text.trim().slice(0, 300) ||
    response.statusText ||
    `HTTP ${response.status}`
  );
}

/**
 * The backend names a bad field `body.<field>` (or `path.<segment>`); the action's inputs have
 * the same names, except that the path comes from `entityRef`.
 */
function inputFieldMessage(message: string): string {
  const match = /^Invalid (body|path)\.(\w+): (.*)$/s.exec(message);
  if (!match) return message;
  return match[1] === 'path'
    ? `entityRef: ${match[3]}`
    : `${match[2]}: ${match[3]}`;
}

export function toActionError(
  status: number,
  message: string,
  what: string,
  context: PromotionCallContext,
): Error {
  const subject = `${context.entityRef} from ${context.from} to ${context.to}${
    context.version ? ` (version ${context.version})` : ''
  }`;
  switch (status) {
    case 400:
      return new InputError(inputFieldMessage(message));
    case 401:
      return new AuthenticationError(
        `The gitops backend did not accept the initiator's credentials: ${message}`,
      );
    case 403:
      return new NotAllowedError(
        `The template's initiator is not allowed to ${what} ${subject}: ${message}`,
      );
    case 404:
      return new NotFoundError(
        `entityRef: ${context.entityRef} was not found (or is not visible to the initiator): ${message}`,
      );
    case 409:
      return new ConflictError(`Cannot promote ${subject}: ${message}`);
    case 503:
      return new ServiceUnavailableError(message);
    default:
      return new Error(
        `The gitops backend answered ${status} to ${what} ${subject}: ${message}`,
      );
  }
}
