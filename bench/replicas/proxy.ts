/*
 * A tiny round-robin HTTP proxy on loopback in front of the backend replicas (what a load
 * balancer does). A connection error marks a replica down at once (passive check); a GET of
 * `healthPath` every `healthMs` marks it down or up again (active check), so requests stop going
 * to a dead replica and come back when it answers. With `retry`, a request that failed on the
 * connection is sent to the next replica when that is safe: always for GET/HEAD, and for other
 * methods only when the connection was refused (the request never reached the replica: a POST
 * that was reset mid-flight may have landed, so it is not repeated).
 *
 *   node --require <nodeTransform.cjs> bench/replicas/proxy.ts 7100 http://127.0.0.1:7101 http://127.0.0.1:7102
 */
import http from 'node:http';

export type ProxyEvent = { at: number; target: string; what: string };

export function startProxy(options: {
  port: number;
  targets: string[];
  retry: boolean;
  healthPath?: string;
  healthMs?: number;
}) {
  const { targets, retry, healthPath = '/api/gitops/health' } = options;
  const down = new Set<string>();
  const events: ProxyEvent[] = [];
  const mark = (target: string, isDown: boolean, what: string) => {
    if (down.has(target) === isDown) return;
    if (isDown) down.add(target);
    else down.delete(target);
    events.push({ at: Date.now(), target, what });
  };
  const checks = setInterval(() => {
    for (const target of targets) {
      const check = http.get(
        new URL(healthPath, target),
        { timeout: 1000 },
        r => {
          r.resume();
          mark(target, r.statusCode !== 200, `health ${r.statusCode}`);
        },
      );
      check.on('timeout', () => check.destroy(new Error('timeout')));
      check.on('error', e => mark(target, true, `health ${e.message}`));
    }
  }, options.healthMs ?? 1000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  let next = 0;
  const pick = (tried: Set<string>) => {
    const untried = targets.filter(t => !tried.has(t));
    const alive = untried.filter(t => !down.has(t));
    const from = alive.length ? alive : untried; // all down: try one anyway
    return from.length ? from[next++ % from.length] : undefined;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => forward(Buffer.concat(chunks), new Set()));
    function forward(body: Buffer, tried: Set<string>) {
      const target = pick(tried);
      if (!target) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"error":{"name":"BadGateway","message":"no replica"}}');
        return;
      }
      tried.add(target);
      const url = new URL(req.url ?? '/', target);
      const upstream = http.request(
        url,
        { method: req.method, headers: req.headers, agent },
        response => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        mark(target, true, `request ${error.code ?? error.message}`);
        const safe =
          req.method === 'GET' ||
          req.method === 'HEAD' ||
          error.code === 'ECONNREFUSED';
        if (retry && safe && !res.headersSent && tried.size < targets.length) {
          events.push({ at: Date.now(), target, what: 'retried elsewhere' });
          forward(body, tried);
        } else if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(`{"error":{"name":"BadGateway","message":"${error.code}"}}`);
        } else {
          res.destroy(error);
        }
      });
      upstream.end(body);
    }
  });
  server.keepAliveTimeout = 30_000;
  return new Promise<{ events: ProxyEvent[]; close: () => Promise<void> }>(
    (resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () =>
        resolve({
          events,
          close: () =>
            new Promise<void>(done => {
              clearInterval(checks);
              agent.destroy();
              server.closeAllConnections();
              server.close(() => done());
            }),
        }),
      );
    },
  );
}

if (require.main === module) {
  const [port, ...targets] = process.argv.slice(2);
  startProxy({ port: Number(port), targets, retry: true }).then(() =>
    // eslint-disable-next-line no-console
    console.log(
      `round-robin proxy on 127.0.0.1:${port} -> ${targets.join(' ')}`,
    ),
  );
}
