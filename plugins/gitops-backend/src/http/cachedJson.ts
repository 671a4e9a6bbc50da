import type express from 'express';
import { gzipSync } from 'node:zlib';
import { BoundedMap } from '../util/BoundedMap';
import { contentHash } from '../util/contentHash';

export const etagOf = (body: string) => `W/"${contentHash(body)}"`;

/**
 * Answers, gzipped once per ETag: the same bytes go to every viewer of an unchanged view, so
 * compressing them per request (what the root router's compression would do) is wasted work.
 */
const gzipped = new BoundedMap<string, Buffer>(2_000);

/**
 * gzipSync's answer is a view into its 16 KiB output chunk: kept as is, each cached answer of a
 * few hundred bytes would hold 16 KiB (11 MB for the 730 answers of 200 entities' pages).
 */
export function gzipExact(body: string): Buffer {
  const zipped = gzipSync(body);
  const exact = Buffer.allocUnsafeSlow(zipped.length);
  zipped.copy(exact);
  return exact;
}

/**
 * Answers a JSON body with its ETag; a request whose `If-None-Match` names it gets a 304 with
 * no body. `no-cache` (per user, `private`) lets the browser keep it but revalidate each time.
 */
export function sendJson(
  req: express.Request,
  res: express.Response,
  body: string,
  etag: string = etagOf(body),
) {
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some(tag => tag.trim() === etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json');
  if (
    body.length > 1024 &&
    /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
  ) {
    let zipped = gzipped.get(etag);
    if (!zipped) {
      zipped = gzipExact(body);
      gzipped.set(etag, zipped);
    }
    res.setHeader('Content-Encoding', 'gzip');
    res.send(zipped);
    return;
  }
  res.send(body);
}
