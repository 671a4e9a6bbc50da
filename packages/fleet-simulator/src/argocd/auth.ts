import { randomBytes } from 'node:crypto';
import { signJwt, verifyJwt } from '../util/jwt';

/** Credentials and token handling of one Argo instance (HS256 JWTs with a per-instance secret). */
export class ArgoAuth {
  readonly secret = randomBytes(32).toString('hex');
  readonly username = 'admin';
  readonly password: string;
  /** Long-lived API token (like `argocd account generate-token`): no `exp`. */
  readonly apiToken: string;
  tokenTtlSeconds: number;

  constructor(
    readonly instance: string,
    password: string | undefined,
    tokenTtlSeconds: number,
    private readonly nowMs: () => number,
  ) {
    this.password = password ?? randomBytes(9).toString('base64url');
    this.tokenTtlSeconds = tokenTtlSeconds;
    const iat = Math.floor(nowMs() / 1000);
    this.apiToken = signJwt(
      {
        iss: 'argocd',
        sub: 'admin:apiKey',
        iat,
        nbf: iat,
        jti: randomBytes(8).toString('hex'),
      },
      this.secret,
    );
  }

  login(username: unknown, password: unknown): string | undefined {
    if (username !== this.username || password !== this.password)
      return undefined;
    const iat = Math.floor(this.nowMs() / 1000);
    return signJwt(
      {
        iss: 'argocd',
        aud: 'argocd',
        sub: username,
        iat,
        nbf: iat,
        exp: iat + this.tokenTtlSeconds,
        jti: randomBytes(8).toString('hex'),
      },
      this.secret,
    );
  }

  /** Returns the subject, or an error message in Argo's words. */
  check(
    authorization: string | undefined,
    cookie: string | undefined,
  ): { sub?: string; error?: string } {
    let token: string | undefined;
    if (authorization?.startsWith('Bearer '))
      token = authorization.slice(7).trim();
    if (!token && cookie) {
      const m = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(cookie);
      if (m) token = decodeURIComponent(m[1]);
    }
    if (!token) return { error: 'no session information' };
    const r = verifyJwt(token, this.secret, Math.floor(this.nowMs() / 1000));
    if (!r.ok) return { error: `invalid session: ${r.reason}` };
    return { sub: String(r.claims.sub).replace(/:apiKey$/, '') };
  }
}
