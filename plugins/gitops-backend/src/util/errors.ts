/**
 * An upstream failure with a message that is safe to show: it never contains a token, a
 * password or query strings.
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code:
      | 'timeout'
      | 'unreachable'
      | 'http'
      | 'malformed'
      | 'auth'
      | 'not-found'
      | 'aborted'
      /** The upstream's certificate was refused (the message says which key fixes it). */
      | 'tls' = 'http',
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

const SECRETISH = [
  // bearer tokens / JWTs
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  // user:password@ in URLs
  /(\/\/)[^/\s:@]+:[^/\s@]+@/g,
  // password=..., token=... in query strings or bodies
  /\b(password|passwd|token|secret|apikey|api_key|authorization)(["']?\s*[=:]\s*["']?)[^\s"'&,}]+/gi,
];

/** Removes anything that looks like a credential, plus the given known secrets. */
export function sanitize(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  out = out.replace(SECRETISH[0], 'Bearer ***');
  out = out.replace(SECRETISH[1], '***');
  out = out.replace(SECRETISH[2], '$1***@');
  out = out.replace(SECRETISH[3], '$1$2***');
  return out;
}

/** Origin and path of a URL, without credentials or query. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** A short safe description of any error. */
export function describeError(error: unknown, secrets: Iterable<string> = []) {
  if (error instanceof UpstreamError) return sanitize(error.message, secrets);
  const e = error as { name?: string; message?: string } | undefined;
  const message = e?.message
    ? `${e.name ?? 'Error'}: ${e.message}`
    : String(error);
  return sanitize(message.slice(0, 500), secrets);
}
