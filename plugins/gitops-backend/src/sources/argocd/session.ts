import type { ArgoInstanceConfig } from '../../config';
import type { GitopsClock } from '../../util/clock';
import { UpstreamError } from '../../util/errors';
import { fetchJson } from '../../util/http';
import { argoSessionSchema } from './schemas';

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
 * The bearer token of one Argo CD instance: a static API token, or a session token from
 * `POST /api/v1/session` kept until shortly before its `exp` (other Backstage plugins log in
 * before every call), with concurrent logins shared.
 */
export class ArgoSession {
  private session?: { token: string; expiresAt?: number };
  private login?: Promise<string>;

  constructor(
    private readonly config: ArgoInstanceConfig,
    private readonly clock: GitopsClock,
    private readonly fetchFn: typeof fetch,
  ) {}

  /** Whether a 401 can be cured by logging in again (not with a static token). */
  get canRelogin() {
    return !this.config.token;
  }

  /** Everything secret this session knows, to strip from error texts. */
  get secrets(): string[] {
    return [
      this.config.token,
      this.config.password,
      this.session?.token,
    ].filter((s): s is string => Boolean(s));
  }

  async token(signal?: AbortSignal): Promise<string> {
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

  /** Drops the session (the server refused it) and logs in again. */
  relogin(signal?: AbortSignal): Promise<string> {
    this.session = undefined;
    this.login ??= this.doLogin(signal).finally(() => {
      this.login = undefined;
    });
    return this.login;
  }

  private async doLogin(signal?: AbortSignal): Promise<string> {
    const url = `${this.config.url.replace(/\/+$/, '')}/api/v1/session`;
    try {
      const { body } = await fetchJson(url, {
        method: 'POST',
        body: {
          username: this.config.username,
          password: this.config.password,
        },
        timeoutMs: this.config.timeoutMs ?? 5000,
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
      // A refused certificate says all there is to say (and which key fixes it).
      if (error instanceof UpstreamError && error.code !== 'tls') {
        throw new UpstreamError(
          `login failed: ${error.message}`,
          error.status,
          error.code === 'http' ? 'auth' : error.code,
        );
      }
      throw error;
    }
  }
}
