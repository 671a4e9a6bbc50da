import { UpstreamError, safeUrl, sanitize } from './errors';

export type FetchJsonOptions = {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Known secrets to strip from any error text. */
  secrets?: string[];
  fetchFn?: typeof fetch;
};

export type HttpResponse = { status: number; body: unknown };

const combine = (timeoutMs: number, signal?: AbortSignal) => {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
};

/**
 * Calls an upstream and returns its JSON answer. Every failure becomes an UpstreamError with a
 * sanitised message: timeouts, refused connections, non-2xx answers, invalid JSON.
 */
export async function fetchJson(
  url: string,
  options: FetchJsonOptions,
): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  const where = `${method} ${safeUrl(url)}`;
  const signal = combine(options.timeoutMs, options.signal);
  let response: Response;
  try {
    response = await (options.fetchFn ?? fetch)(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...options.headers,
      },
      body:
        options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal,
    });
  } catch (error) {
    throw toNetworkError(error, where, options);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw toNetworkError(error, where, options);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new UpstreamError(
      `${where} answered HTTP ${response.status}${upstreamMessage(
        text,
        options.secrets,
      )}`,
      response.status,
      response.status === 401 || response.status === 403 ? 'auth' : 'http',
    );
  }
  try {
    return { status: response.status, body: text ? JSON.parse(text) : null };
  } catch {
    throw new UpstreamError(
      `${where} answered malformed JSON (${text.length} bytes)`,
      response.status,
      'malformed',
    );
  }
}

function upstreamMessage(text: string, secrets: string[] = []) {
  try {
    const parsed = JSON.parse(text);
    const message = parsed?.message ?? parsed?.error;
    if (typeof message === 'string' && message) {
      return `: ${sanitize(message.slice(0, 200), secrets)}`;
    }
  } catch {
    // not JSON: no detail
  }
  return '';
}

function toNetworkError(
  error: unknown,
  where: string,
  options: FetchJsonOptions,
): UpstreamError {
  // Already safe and precise: e.g. a certificate refused (`tlsFetch`).
  if (error instanceof UpstreamError) return error;
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError') {
    return new UpstreamError(
      `${where} timed out after ${options.timeoutMs} ms`,
      undefined,
      'timeout',
    );
  }
  if (e?.name === 'AbortError') {
    if (options.signal?.aborted) {
      return new UpstreamError(`${where} was aborted`, undefined, 'aborted');
    }
    return new UpstreamError(
      `${where} timed out after ${options.timeoutMs} ms`,
      undefined,
      'timeout',
    );
  }
  const code = e?.cause?.code;
  return new UpstreamError(
    `${where} failed: ${code ? `connection error ${code}` : 'network error'}`,
    undefined,
    'unreachable',
  );
}

export type StreamOptions = {
  headers?: Record<string, string>;
  /** Until the answer's headers arrive. */
  connectTimeoutMs: number;
  /** Longest silence between two chunks of the body before it counts as dead. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  secrets?: string[];
  fetchFn?: typeof fetch;
};

/**
 * Opens a long or big answer (a list of thousands of applications, an event stream) and hands
 * out its body chunk by chunk. Failures are UpstreamErrors with safe messages: a refused
 * connection, a non-2xx answer, no headers within `connectTimeoutMs`, silence longer than
 * `idleTimeoutMs`, a cut connection.
 */
export async function openStream(
  url: string,
  options: StreamOptions,
): Promise<AsyncIterable<Uint8Array>> {
  const where = `GET ${safeUrl(url)}`;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut: 'connect' | 'idle' | undefined;
  let timer = setTimeout(() => {
    timedOut = 'connect';
    controller.abort();
  }, options.connectTimeoutMs);
  const cleanup = () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  };
  const failure = (error: unknown) => {
    if (timedOut === 'connect') {
      return new UpstreamError(
        `${where} timed out after ${options.connectTimeoutMs} ms`,
        undefined,
        'timeout',
      );
    }
    if (timedOut === 'idle') {
      return new UpstreamError(
        `${where} went silent for ${options.idleTimeoutMs} ms`,
        undefined,
        'timeout',
      );
    }
    if (options.signal?.aborted) {
      return new UpstreamError(`${where} was aborted`, undefined, 'aborted');
    }
    if (error instanceof UpstreamError) return error;
    const code = (error as { cause?: { code?: string } })?.cause?.code;
    return new UpstreamError(
      `${where} ${code ? `failed: connection error ${code}` : 'was cut'}`,
      undefined,
      'unreachable',
    );
  };
  let response: Response;
  try {
    response = await (options.fetchFn ?? fetch)(url, {
      headers: options.headers,
      signal: controller.signal,
    });
  } catch (error) {
    cleanup();
    throw failure(error);
  }
  if (response.status < 200 || response.status >= 300 || !response.body) {
    let text = '';
    try {
      text = await response.text();
    } catch {
      // no detail
    }
    cleanup();
    throw new UpstreamError(
      `${where} answered HTTP ${response.status}${upstreamMessage(
        text,
        options.secrets,
      )}`,
      response.status,
      response.status === 401 || response.status === 403 ? 'auth' : 'http',
    );
  }
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = 'idle';
      controller.abort();
    }, options.idleTimeoutMs);
  };
  arm();
  const body = response.body as unknown as AsyncIterable<Uint8Array>;
  return (async function* chunks() {
    try {
      for await (const chunk of body) {
        arm();
        yield chunk;
      }
    } catch (error) {
      throw failure(error);
    } finally {
      cleanup();
      controller.abort();
    }
  })();
}
