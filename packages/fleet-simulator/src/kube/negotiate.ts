/**
 * The API server's content negotiation (apiserver `handlers/negotiation`): the Accept header's
 * clauses are tried in order of preference (q, then specificity); a clause whose `as`/`g`/`v`
 * parameters ask for a conversion the endpoint does not allow is skipped, so
 * `application/json;as=Table;v=v1;g=meta.k8s.io,application/json` gets a Table from a resource
 * and plain JSON from an endpoint without Tables. Only JSON is served here.
 */

export interface Conversion {
  group: string;
  version: string;
  kind: string;
}

interface Clause {
  type: string;
  subType: string;
  q: number;
  params: Record<string, string>;
}

/** goautoneg.ParseAccept: clauses sorted by q, then concrete types before wildcards. */
export function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(',')) {
    const [mediaRange, ...paramParts] = part.split(';').map(s => s.trim());
    if (!mediaRange) continue;
    const [type, subType = ''] = mediaRange.split('/');
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim();
      const v = p.slice(eq + 1).trim();
      if (k === 'q') q = Number(v);
      else params[k] = v;
    }
    clauses.push({ type, subType, q: Number.isNaN(q) ? 0 : q, params });
  }
  // A stable sort: equal clauses keep the client's order (Go's insertion sort for short lists).
  return clauses
    .map((c, i) => ({ c, i }))
    .sort((a, b) => {
      if (a.c.q !== b.c.q) return b.c.q - a.c.q;
      const wa = (a.c.type === '*' ? 2 : 0) + (a.c.subType === '*' ? 1 : 0);
      const wb = (b.c.type === '*' ? 2 : 0) + (b.c.subType === '*' ? 1 : 0);
      return wa - wb || a.i - b.i;
    })
    .map(x => x.c);
}

/**
 * The first acceptable clause's conversion: `null` for the resource as it is, a Conversion when
 * the clause asks for one that `allows` accepts, `undefined` when no clause is acceptable. No
 * Accept header, or none naming JSON, gets `null` (JSON is all this server writes).
 */
export function negotiate(
  header: string | undefined,
  allows: (c: Conversion) => boolean,
): Conversion | null | undefined {
  if (!header) return null;
  let json = false;
  for (const c of parseAccept(header)) {
    const matches =
      (c.type === 'application' &&
        (c.subType === 'json' || c.subType === '*')) ||
      (c.type === '*' && c.subType === '*');
    if (!matches) continue;
    json = true;
    const { as, g, v } = c.params;
    if (!as) return null;
    const conv = { group: g ?? '', version: v ?? '', kind: as };
    if (allows(conv)) return conv;
  }
  return json ? undefined : null;
}

const META_VERSIONS = ['v1', 'v1beta1'];

/** Conversions a resource endpoint offers: Table and PartialObjectMetadata(List). */
export const resourceConversions = (c: Conversion) =>
  c.group === 'meta.k8s.io' &&
  META_VERSIONS.includes(c.version) &&
  ['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList'].includes(
    c.kind,
  );

/** Conversions `/api` and `/apis` offer: the aggregated discovery document (v2, v2beta1). */
export const discoveryConversions = (c: Conversion) =>
  c.group === 'apidiscovery.k8s.io' &&
  (c.version === 'v2' || c.version === 'v2beta1') &&
  c.kind === 'APIGroupDiscoveryList';
