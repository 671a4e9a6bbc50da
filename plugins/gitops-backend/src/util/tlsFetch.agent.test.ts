import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tlsFetch, upstreamTls } from './tls';

/** A server that answers only after `delayMs`: as Argo CD's stream before its first change. */
async function slowServer(delayMs: number) {
  let connections = 0;
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('{}'), delayMs);
  });
  server.on('connection', () => connections++);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    connections: () => connections,
    close: () => new Promise(r => server.close(r)),
  };
}

const tls = upstreamTls('Argo CD instance', 'argocd-main', 'k', {});

describe("tlsFetch's own Agent", () => {
  it("waits for headers as long as it is told: undici's own limit cut, none kept", async () => {
    const server = await slowServer(1500);
    const limited = tlsFetch(tls, undefined, { headersTimeoutMs: 300 });
    const unlimited = tlsFetch(tls, undefined, { headersTimeoutMs: 0 });
    try {
      await expect(limited(server.url)).rejects.toMatchObject({
        cause: { code: 'UND_ERR_HEADERS_TIMEOUT' },
      });
      expect((await unlimited(server.url)).status).toBe(200);
    } finally {
      await Promise.all([limited.close(), unlimited.close(), server.close()]);
    }
  });
});

describe("tlsFetch's pool", () => {
  it('opens at most 16 connections to an upstream, however many calls a page makes at once', async () => {
    const server = await slowServer(200);
    const call = tlsFetch(tls, undefined, { headersTimeoutMs: 0 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => call(server.url)),
      );
      expect(answers.every(a => a.status === 200)).toBe(true);
      expect(server.connections()).toBe(16);
    } finally {
      await Promise.all([call.close(), server.close()]);
    }
  });
});
