import type { z } from 'zod';
import type { SyncOptions } from '@internal/backstage-plugin-gitops-common';
import type { ArgoInstanceConfig } from '../../config';
import type { GitopsClock } from '../../util/clock';
import { UpstreamError } from '../../util/errors';
import { fetchJson, openStream } from '../../util/http';
import { JsonStreamError, parseJsonStream } from '../../util/jsonStream';
import { LIST_FIELDS, WATCH_FIELDS } from './fields';
import {
  argoApplicationSchema,
  argoResourceTreeSchema,
  argoEventListSchema,
  argoManagedResourcesSchema,
  argoRevisionMetadataSchema,
  argoResourceActionSchema,
  argoResourceSchema,
  type ArgoApplication,
} from './schemas';
import { ArgoSession } from './session';
import { readEventStream, type ArgoStreamEvent } from './eventStream';
import {
  appPath,
  issueAt,
  type ArgoAppRef,
  type ArgoCallOptions,
  type ArgoResourceRef,
} from './refs';

export { jwtExpiry } from './session';
export type { ArgoAppRef, ArgoCallOptions, ArgoResourceRef } from './refs';

const DEFAULT_TIMEOUT_MS = 5000;
/** A list of thousands of applications takes a while before its first byte. */
const DEFAULT_LIST_TIMEOUT_MS = 60_000;
/** Argo CD's gateway writes a keepalive every 15 s: three missed ones mean the stream is dead. */
const STREAM_IDLE_MS = 50_000;

/**
 * REST client of one Argo CD instance: one request per call (the session is `ArgoSession`'s),
 * with one re-login on 401; the list and the application stream are read as they arrive.
 */
export class ArgoCdClient {
  readonly name: string;
  readonly webUrl: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly listTimeoutMs: number;
  private readonly session: ArgoSession;
  private readonly streamIdleMs: number;

  constructor(
    config: ArgoInstanceConfig,
    clock: GitopsClock,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
    /** Tests shorten how long a stream may be silent after its first message. */
    tuning: { streamIdleMs?: number } = {},
  ) {
    this.streamIdleMs = tuning.streamIdleMs ?? STREAM_IDLE_MS;
    this.name = config.name;
    this.baseUrl = config.url.replace(/\/+$/, '');
    this.webUrl = (config.webUrl ?? config.url).replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.listTimeoutMs = config.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
    this.session = new ArgoSession(config, clock, fetchFn);
  }

  get secrets(): string[] {
    return this.session.secrets;
  }

  /** Runs `call` with a token; a 401 with a session token logs in again once. */
  private async authorized<T>(
    call: (token: string) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const token = await this.session.token(signal);
    try {
      return await call(token);
    } catch (error) {
      const expired =
        this.session.canRelogin &&
        error instanceof UpstreamError &&
        error.status === 401;
      if (!expired) throw error;
      // Calls in flight with the old token all fail: only the first logs in again.
      const current = await this.session.token(signal);
      return call(
        current !== token ? current : await this.session.relogin(signal),
      );
    }
  }

  private async request<S extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    options: ArgoCallOptions & { body?: unknown } = {},
  ): Promise<z.infer<S>> {
    const response = await this.authorized(
      token =>
        fetchJson(`${this.baseUrl}${path}`, {
          method,
          body: options.body,
          headers: { authorization: `Bearer ${token}` },
          timeoutMs: this.timeoutMs,
          signal: options.signal,
          secrets: this.secrets,
          fetchFn: this.fetchFn,
        }),
      options.signal,
    );
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      throw new UpstreamError(
        `${method} ${
          path.split('?')[0]
        } answered an unexpected shape at ${issueAt(parsed.error)}`,
        response.status,
        'malformed',
      );
    }
    return parsed.data;
  }

  /**
   * `GET /api/v1/applications` with the `fields` projection, each application handed to
   * `onApp` as it is parsed; answers the list's resourceVersion (what the stream resumes from).
   */
  async listApplications(
    onApp: (app: ArgoApplication) => void,
    options: ArgoCallOptions & {
      /** Awaited once the answer has started, before its body is parsed. */
      beforeBody?: () => Promise<void>;
    } = {},
  ): Promise<{ resourceVersion?: string; count: number }> {
    const query = new URLSearchParams({ fields: LIST_FIELDS.join(',') });
    const url = `${this.baseUrl}/api/v1/applications?${query}`;
    const body = await this.authorized(
      token =>
        openStream(url, {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
          },
          connectTimeoutMs: this.listTimeoutMs,
          idleTimeoutMs: this.listTimeoutMs,
          signal: options.signal,
          secrets: this.secrets,
          fetchFn: this.fetchFn,
        }),
      options.signal,
    );
    let index = 0;
    let result;
    try {
      await options.beforeBody?.();
      result = await parseJsonStream(body, ['items', '*'], ({ value }) => {
        const parsed = argoApplicationSchema.safeParse(value);
        if (!parsed.success) {
          throw new UpstreamError(
            `GET /api/v1/applications answered an unexpected shape at items.${index}.${issueAt(
              parsed.error,
            )}`,
            200,
            'malformed',
          );
        }
        index++;
        onApp(parsed.data);
      });
    } catch (error) {
      if (!(error instanceof JsonStreamError)) throw error;
      throw new UpstreamError(
        `GET /api/v1/applications answered malformed JSON: ${
          (error as Error).message
        }`,
        200,
        'malformed',
      );
    }
    const meta = result.rest.metadata as { resourceVersion?: unknown } | null;
    const rv = meta?.resourceVersion;
    return {
      ...(typeof rv === 'string' && rv ? { resourceVersion: rv } : {}),
      count: result.count,
    };
  }

  /**
   * Follows `GET /api/v1/stream/applications` from `resourceVersion` (Argo CD then sends only
   * newer changes) until the signal aborts (resolves) or the stream ends or breaks (rejects:
   * the caller re-lists, since Argo CD cannot replay what it missed meanwhile).
   */
  async watchApplications(options: {
    resourceVersion?: string;
    onEvent: (event: ArgoStreamEvent) => void;
    signal: AbortSignal;
    /**
     * How long to wait for the first message. The gateway sends its headers with the first
     * message, so a quiet instance sends nothing at all: the informer passes its resync
     * interval, so that quiet is not taken for a dead stream (and re-listed every minute).
     */
    firstMessageTimeoutMs?: number;
  }): Promise<void> {
    const query = new URLSearchParams({ fields: WATCH_FIELDS.join(',') });
    if (options.resourceVersion) {
      query.set('resourceVersion', options.resourceVersion);
    }
    const url = `${this.baseUrl}/api/v1/stream/applications?${query}`;
    const body = await this.authorized(
      token =>
        openStream(url, {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'text/event-stream',
          },
          // No headers before the first message; then a keepalive every 15 s at least.
          connectTimeoutMs: options.firstMessageTimeoutMs ?? this.streamIdleMs,
          idleTimeoutMs: this.streamIdleMs,
          signal: options.signal,
          secrets: this.secrets,
          fetchFn: this.fetchFn,
        }),
      options.signal,
    );
    try {
      await readEventStream(body, options.onEvent);
    } catch (error) {
      if (options.signal.aborted) return;
      throw error;
    }
    if (options.signal.aborted) return;
    throw new UpstreamError(
      'GET /api/v1/stream/applications ended',
      undefined,
      'unreachable',
    );
  }

  getApplication(
    ref: ArgoAppRef,
    options?: ArgoCallOptions & { refresh?: 'normal' | 'hard' },
  ) {
    const query = new URLSearchParams();
    if (options?.refresh) query.set('refresh', options.refresh);
    return this.request(
      'GET',
      appPath(ref, '', query),
      argoApplicationSchema,
      options,
    );
  }

  getResourceTree(ref: ArgoAppRef, options?: ArgoCallOptions) {
    return this.request(
      'GET',
      appPath(ref, '/resource-tree'),
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
      appPath(ref, `/revisions/${encodeURIComponent(revision)}/metadata`),
      argoRevisionMetadataSchema,
      options,
    );
  }

  /** The application's events, or those of one of its resources (Argo checks it is one). */
  getApplicationEvents(
    ref: ArgoAppRef,
    resource?: { name: string; namespace?: string; uid?: string },
    options?: ArgoCallOptions,
  ) {
    const query = new URLSearchParams();
    if (resource) {
      query.set('resourceName', resource.name);
      query.set('resourceNamespace', resource.namespace ?? '');
      query.set('resourceUID', resource.uid ?? '');
    }
    return this.request(
      'GET',
      appPath(ref, '/events', query),
      argoEventListSchema,
      options,
    );
  }

  getManagedResources(ref: ArgoAppRef, options?: ArgoCallOptions) {
    return this.request(
      'GET',
      appPath(ref, '/managed-resources'),
      argoManagedResourcesSchema,
      options,
    );
  }

  /** The live object of one of the application's resources (its manifest is a JSON string). */
  getResource(
    ref: ArgoAppRef,
    resource: ArgoResourceRef,
    options?: ArgoCallOptions,
  ) {
    const query = new URLSearchParams({
      namespace: resource.namespace ?? '',
      resourceName: resource.name,
      version: resource.version ?? '',
      group: resource.group ?? '',
      kind: resource.kind,
    });
    return this.request(
      'GET',
      appPath(ref, '/resource', query),
      argoResourceSchema,
      options,
    );
  }

  /**
   * Runs a resource action (`resume`, `abort`, ... as the resource's Lua actions define them).
   * v2 takes everything in the body, `appNamespace` too; Argo CD refuses an action that is not
   * available for the object's state with a 4xx and its reason.
   */
  async runResourceAction(
    ref: ArgoAppRef,
    resource: ArgoResourceRef,
    action: string,
    options?: ArgoCallOptions,
  ): Promise<void> {
    await this.request(
      'POST',
      appPath({ name: ref.name }, '/resource/actions/v2'),
      argoResourceActionSchema,
      {
        ...options,
        body: {
          name: ref.name,
          ...(ref.appNamespace ? { appNamespace: ref.appNamespace } : {}),
          action,
          namespace: resource.namespace ?? '',
          resourceName: resource.name,
          version: resource.version ?? '',
          group: resource.group ?? '',
          kind: resource.kind,
        },
      },
    );
  }

  /** `prune` and `dryRun` only when asked: Argo CD's defaults otherwise. */
  sync(ref: ArgoAppRef, sync: SyncOptions = {}, options?: ArgoCallOptions) {
    return this.request('POST', appPath(ref, '/sync'), argoApplicationSchema, {
      ...options,
      body: {
        name: ref.name,
        ...(ref.appNamespace ? { appNamespace: ref.appNamespace } : {}),
        ...(sync.prune ? { prune: true } : {}),
        ...(sync.dryRun ? { dryRun: true } : {}),
      },
    });
  }

  rollback(ref: ArgoAppRef, id: number, options?: ArgoCallOptions) {
    return this.request(
      'POST',
      appPath(ref, '/rollback'),
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
}
