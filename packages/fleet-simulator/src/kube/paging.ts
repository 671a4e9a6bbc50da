/**
 * Chunked lists (`limit` / `continue`) as the API server serves them from etcd: objects in key
 * order (`<namespace>/<name>`), at most `limit` of them, then `metadata.continue` (a token
 * carrying the list's resourceVersion and the key to start from) and `remainingItemCount` (only
 * without label or field selectors, which would make the count unknown). A list with
 * `resourceVersion=0` is served from the watch cache, which ignores `limit`.
 *
 * The token has the upstream's shape (base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":K}`).
 * Unlike etcd, the store keeps no history: a continued list reads the objects as they are now,
 * labelled with the first page's resourceVersion.
 */

export const objectKey = (o: any) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** etcd's byte order of keys. */
export const byKey = (a: any, b: any) => {
  const ka = objectKey(a);
  const kb = objectKey(b);
  if (ka === kb) return 0;
  return ka < kb ? -1 : 1;
};

export type Page =
  | {
      items: any[];
      /** `continue` is always set (empty on the last page), as UpdateList does for CRs. */
      listMeta: {
        continue: string;
        remainingItemCount?: number;
        resourceVersion: string;
      };
    }
  | { error: string };

function decodeContinue(token: string): { rv: number; start: string } {
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new Error('continue key is not valid: invalid character');
  }
  if (parsed?.v !== 'meta.k8s.io/v1')
    throw new Error(
      'continue key is not valid: server does not recognize this encoded version',
    );
  if (!Number.isInteger(parsed.rv) || parsed.rv <= 0)
    throw new Error(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  if (typeof parsed.start !== 'string' || !parsed.start)
    throw new Error('continue key is not valid: encoded start key empty');
  return { rv: parsed.rv, start: parsed.start };
}

/** One page of `sorted` (already filtered and in key order). */
export function paginate(
  sorted: any[],
  query: Record<string, unknown>,
  currentRv: string,
  selectorsGiven: boolean,
): Page {
  const str = (k: string) =>
    typeof query[k] === 'string' ? (query[k] as string) : '';
  const rvParam = str('resourceVersion');
  const token = str('continue');
  let limit = Number.parseInt(str('limit'), 10);
  if (!Number.isFinite(limit) || limit <= 0 || rvParam === '0') limit = 0;
  let rv = currentRv;
  let items = sorted;
  if (token) {
    if (rvParam && rvParam !== '0')
      return {
        error: 'specifying resource version is not allowed when using continue',
      };
    let decoded: { rv: number; start: string };
    try {
      decoded = decodeContinue(token);
    } catch (e) {
      return { error: `invalid continue token: ${(e as Error).message}` };
    }
    rv = String(decoded.rv);
    items = sorted.filter(o => objectKey(o) >= decoded.start);
  }
  if (!limit || items.length <= limit)
    return { items, listMeta: { continue: '', resourceVersion: rv } };
  const page = items.slice(0, limit);
  const next = `${objectKey(page[page.length - 1])}\u0000`;
  const cont = Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: next }),
  ).toString('base64url');
  return {
    items: page,
    listMeta: {
      continue: cont,
      ...(selectorsGiven ? {} : { remainingItemCount: items.length - limit }),
      resourceVersion: rv,
    },
  };
}
