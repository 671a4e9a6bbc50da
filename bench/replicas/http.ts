/** The replicas bench's HTTP client, waiting and small statistics. */
import http from 'node:http';
import https from 'node:https';

export type Answer = {
  status: number;
  body: string;
  ms: number;
  etag?: string;
};

export const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
/** HTTPS agents by CA: the fleet's Argo CD instances (the replicas bench's own calls). */
const tlsAgents = new Map<string, https.Agent>();
const tlsAgent = (ca?: string) => {
  if (!ca) return undefined;
  let a = tlsAgents.get(ca);
  if (!a) {
    a = new https.Agent({ keepAlive: true, maxSockets: 200, ca });
    tlsAgents.set(ca, a);
  }
  return a;
};

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

export function request(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    timeoutMs?: number;
    /** The CA (PEM) an https URL's certificate must chain to (the fleet's `caCert`). */
    ca?: string;
  } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const body =
      options.body === undefined ? undefined : JSON.stringify(options.body);
    const tls = url.startsWith('https:');
    const req = (tls ? https : http).request(
      url,
      {
        method: options.method ?? 'GET',
        agent: tls ? tlsAgent(options.ca) : agent,
        timeout: options.timeoutMs ?? 30_000,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
            etag: res.headers.etag,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export const withToken = (token: string) => ({
  authorization: `Bearer ${token}`,
});

/** Polls `check` every 250 ms until true; `fatal` answers a reason to give up at once. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  fatal: () => string | undefined = () => undefined,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = fatal();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** Nearest-rank percentile; NaN without values. */
export function percentile(values: number[], p: number) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

export const round = (n: number) => Math.round(n * 10) / 10;

const t0 = Date.now();
export const log = (message: string) =>
  // eslint-disable-next-line no-console
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${message}`);
export const secondsSinceStart = () => round((Date.now() - t0) / 1000);
