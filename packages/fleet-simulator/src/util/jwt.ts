import { createHmac, timingSafeEqual } from 'node:crypto';

const b64 = (v: Buffer | string) => Buffer.from(v).toString('base64url');

/** Minimal HS256 JWT, enough to look like Argo CD's session tokens (which carry `exp`). */
export function signJwt(
  claims: Record<string, unknown>,
  secret: string,
): string {
  const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64(JSON.stringify(claims));
  const sig = createHmac('sha256', secret)
    .update(`${head}.${body}`)
    .digest('base64url');
  return `${head}.${body}.${sig}`;
}

export type JwtCheck =
  | { ok: true; claims: Record<string, any> }
  | { ok: false; reason: string };

export function verifyJwt(
  token: string,
  secret: string,
  nowSec: number,
): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3)
    return {
      ok: false,
      reason: 'token contains an invalid number of segments',
    };
  const expected = createHmac('sha256', secret)
    .update(`${parts[0]}.${parts[1]}`)
    .digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'token signature is invalid' };
  }
  let claims: Record<string, any>;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'token is malformed' };
  }
  if (typeof claims.exp === 'number' && claims.exp <= nowSec) {
    return { ok: false, reason: 'token has invalid claims: token is expired' };
  }
  return { ok: true, claims };
}
