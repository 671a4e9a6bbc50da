import type { z } from 'zod';
import type { ArgoInstanceConfig } from '../config';
import type { GitopsClock } from '../util/clock';
import { UpstreamError } from '../util/errors';
import { fetchJson } from '../util/http';
import { toAppRecord } from './mapping';
import {
  APPLICATION_LIST_FIELDS,
  argoApplicationListSchema,
  argoApplicationSchema,
  argoResourceTreeSchema,
  argoRevisionMetadataSchema,
  argoSessionSchema,
  argoStreamEventSchema,
  type ArgoApplication,
  type ArgoResourceTree,
  type ArgoRevisionMetadata,
} from './schemas';
import type { AppRecord, ArgoInstanceData } from './types';
import { yieldToEventLoop } from '../util/eventLoop';

export type ArgoCallOptions = { signal?: AbortSignal };

export type ArgoAppRef = { name: string; appNamespace?: string };

export type ArgoWatchEvent = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  application: AppRecord;
};

/** One Argo CD instance, as the rest of the plugin sees it. */
export interface ArgoCdApi {
  readonly name: string;
  /** Deep link base for the instance's UI. */
  readonly webUrl: string;
  /** One `GET /api/v1/applications` with a `fields` projection. */
  listApplications(options?: ArgoCallOptions): Promise<ArgoInstanceData>;
  getApplication(
    ref: ArgoAppRef,
    options?: ArgoCallOptions & { refresh?: 'normal' | 'hard' },
  ): Promise<ArgoApplication>;
  getResourceTree(
    ref: ArgoAppRef,
    options?: ArgoCallOptions,
  ): Promise<ArgoResourceTree>;
  getRevisionMetadata(
    ref: ArgoAppRef,
    revision: string,
    options?: ArgoCallOptions,
  ): Promise<ArgoRevisionMetadata>;
  sync(ref: ArgoAppRef, options?: ArgoCallOptions): Promise<ArgoApplication>;
  rollback(
    ref: ArgoAppRef,
    id: number,
    options?: ArgoCallOptions,
  ): Promise<ArgoApplication>;
  /**
   * Follows `/api/v1/stream/applications` until the signal aborts or the stream ends;
   * resolves when it ends, rejects on errors.
   */
  watchApplications(
    onEvent: (event: ArgoWatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** Log in again this long before the session token's `exp`. */
const TOKEN_EARLY_RENEW_MS = 60_000;

/** `exp` of a JWT in ms, without verifying it (we only need to know when to renew). */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * REST client of one Argo CD instance: a static API token, or a session token from
 * `POST /api/v1/session` cached until shortly before its `exp`, with one re-login on 401.
 */
export class ArgoCdClient implements ArgoCdApi {
  readonly name: string;
  readonly webUrl: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private session?: { token: string; expiresAt?: number };
  private login?: Promise<string>;

  constructor(
    private readonly config: ArgoInstanceConfig,
    private readonly clock: GitopsClock,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {
    this.name = config.name;
    this.baseUrl = config.url.replace(/\/+$/, '');
    this.webUrl = (config.webUrl ?? config.url).replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private get secrets() {
    return [
      this.config.token,
      this.config.password,
      this.session?.token,
    ].filter((s): s is string => Boolean(s));
  }

  private async token(signal?: AbortSignal): Promise<string> {
    if (this.config.token) return this.config.token;
    const now = this.clock.now().getTime();
    if (
      this.session &&
      (this.session.expiresAt === undefined ||
        this.session.expiresAt - TOKEN_EARLY_RENEW_MS > now)
    ) {
      return this.session.token;
    }
    return this.relogin(signal);
  }

  private relogin(signal?: AbortSignal): Promise<string> {
    if (!this.login) {
      this.login = (async () => {
        try {
          const { body } = await fetchJson(`${this.baseUrl}/api/v1/session`, {
            method: 'POST',
            body: {
              username: this.config.username,
              password: this.config.password,
            },
            timeoutMs: this.timeoutMs,
            signal,
            secrets: this.secrets,
            fetchFn: this.fetchFn,
          });
          const parsed = argoSessionSchema.safeParse(body);
          if (!parsed.success) {
            throw new UpstreamError(
              'login answered without a token',
              undefined,
              'malformed',
            );
          }
          this.session = {
            token: parsed.data.token,
            expiresAt: jwtExpiry(parsed.data.token),
          };
          return parsed.data.token;
        } catch (error) {
          this.session = undefined;
          if (error instanceof UpstreamError) {
            throw new UpstreamError(
              `login failed: ${error.message}`,
              error.status,
              error.code === 'http' ? 'auth' : error.code,
            );
          }
          throw error;
        } finally {
          this.login = undefined;
        }
      })();
    }
    return this.login;
  }

  private async request<S extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    options: ArgoCallOptions & { body?: unknown } = {},
  ): Promise<z.infer<S>> {
    const call = async (token: string) =>
      fetchJson(`${this.baseUrl}${path}`, {
        method,
        body: options.body,
        headers: { authorization: `Bearer ${token}` },
        timeoutMs: this.timeoutMs,
        signal: options.signal,
        secrets: this.secrets,
        fetchFn: this.fetchFn,
      });
    let response;
    try {
      response = await call(await this.token(options.signal));
    } catch (error) {
      const canRelogin =
        !this.config.token &&
        error instanceof UpstreamError &&
        error.status === 401;
      if (!canRelogin) throw error;
      // The session expired or was revoked: one re-login, one retry.
      this.session = undefined;
      response = await call(await this.relogin(options.signal));
    }
    // Parsing, validating and mapping a list of thousands of applications are each tens of
    // milliseconds: page views waiting on the event loop get their turn in between.
    await yieldToEventLoop();
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UpstreamError(
        `${method} ${path.split('?')[0]} answered an unexpected shape at ${
          issue?.path.join('.') || '(root)'
        }: ${issue?.message ?? 'invalid'}`,
        response.status,
        'malformed',
      );
    }
    return parsed.data;
  }

  private appPath(ref: ArgoAppRef, suffix = '', query = new URLSearchParams()) {
    if (ref.appNamespace) query.set('appNamespace', ref.appNamespace);
    const qs = query.toString();
    return `/api/v1/applications/${encodeURIComponent(ref.name)}${suffix}${
      qs ? `?${qs}` : ''
    }`;
  }

  async listApplications(options?: ArgoCallOptions): Promise<ArgoInstanceData> {
    const query = new URLSearchParams({
      fields: APPLICATION_LIST_FIELDS.join(','),
    });
    const list = await this.request(
      'GET',
      `/api/v1/applications?${query}`,
      argoApplicationListSchema,
      options,
    );
    await yieldToEventLoop();
    return {
      applications: (list.items ?? []).map(app => toAppRecord(this.name, app)),
    };
  }

  getApplication(
    ref: ArgoAppRef,
    options?: ArgoCallOptions & { refresh?: 'normal' | 'hard' },
  ) {
    const query = new URLSearchParams();
    if (options?.refresh) query.set('refresh', options.refresh);
    return this.request(
      'GET',
      this.appPath(ref, '', query),
      argoApplicationSchema,
      options,
    );
  }

  getResourceTree(ref: ArgoAppRef, options?: ArgoCallOptions) {
    return this.request(
      'GET',
      this.appPath(ref, '/resource-tree'),
      argoResourceTreeSchema,
      options,
    );
  }

  getRevisionMetadata(
    ref: ArgoAppRef,
    revision: string,
    options?: ArgoCallOptions,
  ) {
    return this.request(
      'GET',
      this.appPath(ref, `/revisions/${encodeURIComponent(revision)}/metadata`),
      argoRevisionMetadataSchema,
      options,
    );
  }

  sync(ref: ArgoAppRef, options?: ArgoCallOptions) {
    return this.request(
      'POST',
      this.appPath(ref, '/sync'),
      argoApplicationSchema,
      {
        ...options,
        body: {
          name: ref.name,
          ...(ref.appNamespace ? { appNamespace: ref.appNamespace } : {}),
        },
      },
    );
  }

  rollback(ref: ArgoAppRef, id: number, options?: ArgoCallOptions) {
    return this.request(
      'POST',
      this.appPath(ref, '/rollback'),
      argoApplicationSchema,
      {
        ...options,
        body: {
          name: ref.name,
          id,
          ...(ref.appNamespace ? { appNamespace: ref.appNamespace } : {}),
        },
      },
    );
  }

  async watchApplications(
    onEvent: (event: ArgoWatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const connect = async (token: string) => {
      // The timeout covers connecting only: the stream itself lives until `signal` aborts.
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      const fields = APPLICATION_LIST_FIELDS.filter(f => f.startsWith('items.'))
        .map(f => f.replace(/^items\./, 'result.application.'))
        .concat('result.type')
        .join(',');
      try {
        return await this.fetchFn(
          `${
            this.baseUrl
          }/api/v1/stream/applications?fields=${encodeURIComponent(fields)}`,
          {
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'text/event-stream',
            },
            signal: controller.signal,
          },
        );
      } finally {
        clearTimeout(timer);
      }
    };
    let response: Response;
    try {
      response = await connect(await this.token(signal));
      if (response.status === 401 && !this.config.token) {
        this.session = undefined;
        response = await connect(await this.relogin(signal));
      }
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError(
        `GET /api/v1/stream/applications failed: ${
          (error as Error)?.name === 'TimeoutError'
            ? 'timeout'
            : 'network error'
        }`,
        undefined,
        'unreachable',
      );
    }
    if (!response.ok || !response.body) {
      throw new UpstreamError(
        `GET /api/v1/stream/applications answered HTTP ${response.status}`,
        response.status,
      );
    }
    const decoder = new TextDecoder();
    let buffer = '';
    const handleLine = (line: string) => {
      const trimmed = line.replace(/^data:\s*/, '').trim();
      if (!trimmed || !trimmed.startsWith('{')) return;
      let json: unknown;
      try {
        json = JSON.parse(trimmed);
      } catch {
        return;
      }
      const parsed = argoStreamEventSchema.safeParse(json);
      if (!parsed.success) return;
      const { type, application } = parsed.data.result;
      if (type === 'BOOKMARK' || type === 'ERROR') return;
      onEvent({ type, application: toAppRecord(this.name, application) });
    };
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let index = buffer.indexOf('\n');
        while (index >= 0) {
          if (signal.aborted) return;
          handleLine(buffer.slice(0, index));
          buffer = buffer.slice(index + 1);
          index = buffer.indexOf('\n');
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw new UpstreamError(
        'GET /api/v1/stream/applications: stream interrupted',
        undefined,
        'unreachable',
      );
    }
  }
}
