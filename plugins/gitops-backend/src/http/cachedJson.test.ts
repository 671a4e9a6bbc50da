import express from 'express';
import request from 'supertest';
import { gunzipSync } from 'node:zlib';
import { gzipExact, sendJson } from './cachedJson';

describe('sendJson', () => {
  const body = JSON.stringify({
    items: Array.from({ length: 200 }, (_, i) => ({ i })),
  });
  const app = express().get('/x', (req, res) => sendJson(req, res, body));

  it('answers gzipped bytes with an ETag, and a 304 for that ETag', async () => {
    const res = await request(app).get('/x').set('accept-encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body).toEqual(JSON.parse(body));
    const again = await request(app)
      .get('/x')
      .set('if-none-match', res.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('keeps only the compressed bytes of an answer, not zlib’s whole output chunk', () => {
    const zipped = gzipExact(body);
    expect(gunzipSync(zipped).toString()).toBe(body);
    expect(zipped.length).toBeLessThan(2_000);
    expect(zipped.buffer.byteLength).toBe(zipped.length);
  });
});
