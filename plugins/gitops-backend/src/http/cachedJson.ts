import type express from 'express';
import { createHash } from 'node:crypto';

export const etagOf = (body: string) =>
  `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`;

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
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some(tag => tag.trim() === etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json').send(body);
}
