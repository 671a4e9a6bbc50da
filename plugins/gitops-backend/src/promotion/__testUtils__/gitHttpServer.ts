import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const pkt = (line: string) =>
  `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;

/**
 * Smart HTTP git hosting of the bare repositories under `root` (`git http-backend` as CGI),
 * like a code host: every request needs `Authorization: <authorization>` (else 401).
 * `rejectPushes` makes pushes fail with a remote error that echoes the Authorization header
 * and the credentials in it back, as a careless server might.
 */
export async function startGitHttpServer(options: {
  root: string;
  authorization: string;
}) {
  const seen: Array<string | undefined> = [];
  const state = { rejectPushes: false };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = req.headers.authorization;
    seen.push(auth);
    if (auth !== options.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('Unauthorized');
      return;
    }
    const service = url.searchParams.get('service');
    if (state.rejectPushes && service === 'git-receive-pack') {
      const decoded = Buffer.from(auth.split(' ')[1], 'base64').toString();
      res.writeHead(200, {
        'Content-Type': `application/x-${service}-advertisement`,
      });
      res.end(
        `${pkt(`# service=${service}\n`)}0000${pkt(
          `ERR push denied for ${auth} (${decoded})\n`,
        )}`,
      );
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    const out: Buffer[] = [];
    cgi.stdout.on('data', d => out.push(d));
    cgi.on('close', () => {
      const all = Buffer.concat(out);
      const split = all.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of all.subarray(0, split).toString().split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (/^status$/i.test(name)) status = parseInt(value, 10);
        else if (name) headers[name] = value;
      }
      res.writeHead(status, headers);
      res.end(all.subarray(split + 4));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: (repoPath: string) => `http://127.0.0.1:${port}/${repoPath}`,
    /** Authorization header of every request, in order. */
    seen,
    state,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}
