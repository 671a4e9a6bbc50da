import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { git } from './git/git';
import { caFetch, closeCaFetch } from './util/caFetch';
import { startFleet, type Fleet } from './fleet';
import type { FleetOptions } from './fleetOptions';

/** Test helpers: a logged-in Argo client and a git clone/commit/push round trip. */
/**
 * A fleet for the kube API's tests: no applications, Argo CD's reconciliation off, a manual
 * clock from a fixed time (so ages and schedules are exact); `options` add to it.
 */
export async function startKubeTestFleet(
  options: Omit<Partial<FleetOptions>, 'dir'> = {},
): Promise<Fleet> {
  return startFleet({
    dir: await tempDir(),
    clock: 'manual',
    appsPerInstance: 0,
    startTime: new Date('2026-11-23T10:00:00Z'),
    argo: { reconcileIntervalMs: 0 },
    ...options,
  });
}

export async function tempDir(prefix = 'fleet-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A logged-in Argo client; on an HTTPS fleet it trusts the fleet's CA. */
export async function argoClient(fleet: Fleet, instance: string) {
  const a = fleet.argo.find(x => x.name === instance)!;
  const ca = fleet.tls?.caCert;
  const login = await request(`${a.url}/api/v1/session`, {
    method: 'POST',
    body: { username: a.username, password: a.password },
    ca,
  });
  const { token } = login.json() as { token: string };
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await request(`${a.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      body,
      ca,
    });
    return { status: res.status, body: res.json() };
  };
  return {
    token,
    url: a.url,
    get: (p: string) => call('GET', p),
    post: (p: string, body: unknown) => call('POST', p, body),
    del: (p: string) => call('DELETE', p),
  };
}

const author = { name: 'Dana Release', email: 'dana@example.com' };

/** Clones the fleet's repo, applies edits, commits and pushes; returns the new commit sha. */
export async function commitToFleet(
  fleet: Fleet,
  message: string,
  edit: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = await tempDir('fleet-clone-');
  await git(['clone', '-q', fleet.git.url, dir]);
  await edit(dir);
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', message], { cwd: dir, author });
  await git(['push', '-q', 'origin', 'main'], { cwd: dir });
  const sha = (await git(['rev-parse', 'HEAD'], { cwd: dir })).trim();
  await fs.rm(dir, { recursive: true, force: true });
  return sha;
}

/** Replaces a line matching `pattern` in a file of the clone. */
export async function replaceInFile(
  file: string,
  pattern: RegExp,
  replacement: string,
) {
  const text = await fs.readFile(file, 'utf8');
  if (!pattern.test(text)) throw new Error(`${pattern} not found in ${file}`);
  await fs.writeFile(file, text.replace(pattern, replacement));
}

/** Node's `fetch` trusting the fleet's CA on an HTTPS fleet (closed by stopAndClean). */
export function fleetFetch(
  fleet: Fleet,
  input: string | URL,
  init: RequestInit = {},
): Promise<Response> {
  return caFetch(fleet.tls?.caCert, input, init);
}

/** Stops a test fleet and removes its directory (the one holding gitops.git). */
export async function stopAndClean(fleet: Fleet) {
  await closeCaFetch(fleet.tls?.caCert);
  await fleet.stop();
  await fs.rm(path.dirname(fleet.git.bareRepoPath), {
    recursive: true,
    force: true,
  });
}

/** A raw HTTP stream (Argo's stream, a kube watch) read as text, for byte-exact assertions. */
export interface RawStream {
  /** Everything received so far. */
  text(): string;
  /** Status and headers, once the server sent them. */
  response: Promise<http.IncomingMessage>;
  /** Resolves once `pred(text)` holds (rejects after `ms`). */
  waitFor(pred: (text: string) => boolean, ms?: number): Promise<string>;
  /** Resolves when the server ended the response ('end') or the socket broke ('aborted'). */
  ended: Promise<'end' | 'aborted'>;
  close(): void;
}

export function openRawStream(
  url: string,
  headers: Record<string, string>,
  opts: { ca?: string } = {},
): RawStream {
  let buf = '';
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach(w => w());
  let endedResolve!: (v: 'end' | 'aborted') => void;
  const ended = new Promise<'end' | 'aborted'>(r => {
    endedResolve = r;
  });
  let req!: http.ClientRequest;
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    req = get(url, { headers, ca: opts.ca }, res => {
      resolve(res);
      res.setEncoding('utf8');
      res.on('data', chunk => {
        buf += chunk;
        notify();
      });
      res.on('end', () => endedResolve('end'));
      res.on('close', () => endedResolve(res.complete ? 'end' : 'aborted'));
      res.on('aborted', () => endedResolve('aborted'));
      res.on('error', () => endedResolve('aborted'));
    });
    req.on('error', e => {
      endedResolve('aborted');
      reject(e);
    });
  });
  response.catch(() => undefined);
  const waitFor = (pred: (text: string) => boolean, ms = 5000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; received: ${buf.slice(-500)}`)),
        ms,
      );
      const check = () => {
        if (pred(buf)) {
          clearTimeout(timer);
          resolve(buf);
        } else waiters.push(check);
      };
      check();
    });
  return {
    text: () => buf,
    response,
    waitFor,
    ended,
    close: () => req.destroy(),
  };
}

/** The `data:` payloads of an SSE text, parsed (lines that are not JSON are returned as strings). */
export function sseMessages(text: string): any[] {
  return text
    .split('\n')
    .filter(l => l.startsWith('data: '))
    .map(l => {
      try {
        return JSON.parse(l.slice(6));
      } catch {
        return l.slice(6);
      }
    });
}

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): any;
}

/**
 * One request with node:http(s), so a test can trust a CA (`ca`) or pick the TLS server name
 * (`servername`, checked against the certificate's SANs). Rejects with Node's error (its `code`,
 * e.g. SELF_SIGNED_CERT_IN_CHAIN) when the connection or the TLS handshake fails.
 */
export function request(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    ca?: string;
    servername?: string;
    checkServerIdentity?: https.RequestOptions['checkServerIdentity'];
  } = {},
): Promise<TestResponse> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...opts.headers,
        },
        ca: opts.ca,
        servername: opts.servername,
        ...(opts.checkServerIdentity
          ? { checkServerIdentity: opts.checkServerIdentity }
          : {}),
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', c => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
