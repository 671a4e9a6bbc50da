import express from 'express';
import { SimService } from '../util/service';
import { matchesSelector, parseSelector } from '../util/labels';
import { prng } from '../util/random';
import { GitRepo } from '../git/repo';
import { ArgoInstance } from './instance';
import { ArgoAuth } from './auth';
import { ArgoError, GRPC, permissionDenied } from './errors';
import { SimApp } from './app';
import { resourceTree } from './tree';
import { managedResourcesResponse } from './managedState';
import { resourceEvents } from './resourceEvents';
import { parseFieldsParam, projectList } from './listFields';
import { streamApplications } from './stream';
import { AppEventLog } from './appEvents';
import { clusterList } from './clusters';
import { resourceRoutes } from './rollouts/routes';
import { rolloutEvents } from './rollouts/events';

const COMMA = Buffer.from(',');

type Handler = (req: express.Request, res: express.Response) => unknown;

const list = (v: unknown): string[] =>
  v === undefined
    ? []
    : (Array.isArray(v) ? v : [v])
        .flatMap(x => String(x).split(','))
        .map(s => s.trim())
        .filter(Boolean);

/** Builds the REST API of one Argo CD instance (the grpc-gateway routes the portal uses). */
export function argoApp(deps: {
  instance: ArgoInstance;
  auth: ArgoAuth;
  repo: GitRepo;
  service: () => SimService;
  refresh: () => Promise<void>;
  /** Seeds the emulation of Go's random map order (list `fields` conflicts). */
  seed?: number;
  /** SSE keepalive interval of the stream (Argo's gateway: 15 s). */
  keepaliveMs?: number;
  /** Serve the API only under this path (normalised, e.g. '/argocd'), as `--rootpath` does. */
  pathPrefix?: string;
}) {
  const { instance, auth, repo } = deps;
  const rand = prng(deps.seed ?? 1);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Resource actions read their body as text: the deprecated route's is a bare JSON string.
  app.use(
    '/api/v1/applications/:name/resource/actions',
    express.text({ type: () => true, limit: '1mb' }),
  );
  app.use(express.json({ limit: '5mb' }));

  const route = (
    method: 'get' | 'post' | 'delete',
    path: string,
    handler: Handler,
    open = false,
  ) => {
    app[method](path, async (req, res) => {
      deps.service().count(`${method.toUpperCase()} ${path}`);
      try {
        if (!open) {
          const who = auth.check(req.headers.authorization, req.headers.cookie);
          if (who.error)
            throw new ArgoError(401, GRPC.Unauthenticated, who.error);
          res.locals.user = who.sub;
        }
        await handler(req, res);
      } catch (e) {
        const err =
          e instanceof ArgoError
            ? e
            : new ArgoError(
                500,
                GRPC.Unknown,
                String((e as Error)?.message ?? e),
              );
        if (!res.headersSent) res.status(err.status).json(err.body());
      }
    });
  };

  let listCache: { rv: string; body: Buffer } | undefined;
  const appEvents = new AppEventLog(instance);

  const sendJson = (res: express.Response, body: string | Buffer) => {
    res.status(200).type('application/json').send(body);
  };

  const findApp = (req: express.Request): SimApp => {
    const ns = req.query.appNamespace;
    const a = instance.apps.get(req.params.name);
    // Argo answers 403 for unknown apps so names cannot be probed.
    if (!a || (ns && ns !== a.obj.metadata.namespace)) throw permissionDenied();
    return a;
  };

  const filterFor = (q: express.Request['query']) => {
    const reqs = parseSelector(
      typeof q.selector === 'string' ? q.selector : undefined,
    );
    const projects = list(q.projects ?? q.project);
    const name = typeof q.name === 'string' && q.name ? q.name : undefined;
    const ns =
      typeof q.appNamespace === 'string' && q.appNamespace
        ? q.appNamespace
        : undefined;
    return (a: SimApp) =>
      (!name || a.name === name) &&
      (!ns || a.obj.metadata.namespace === ns) &&
      (!projects.length || projects.includes(a.obj.spec.project)) &&
      matchesSelector(reqs, a.obj.metadata.labels);
  };

  route(
    'post',
    '/api/v1/session',
    (req, res) => {
      const token = auth.login(req.body?.username, req.body?.password);
      if (!token)
        throw new ArgoError(
          401,
          GRPC.Unauthenticated,
          'Invalid username or password',
        );
      res.json({ token });
    },
    true,
  );

  route('get', '/api/v1/session/userinfo', (_req, res) => {
    res.json({ loggedIn: true, username: res.locals.user, iss: 'argocd' });
  });

  route(
    'get',
    '/api/version',
    (_req, res) => {
      res.json({
        Version: 'v3.5.1+109ca7c',
        BuildDate: '2026-10-01T00:00:00Z',
        GitCommit: '109ca7ca71139e514114499d294a492e7910a965',
        GitTag: 'v3.5.1',
        GitTreeState: 'clean',
        GoVersion: 'go1.25.1',
        Compiler: 'gc',
        Platform: 'linux/amd64',
        KustomizeVersion: 'v5.7.1',
        HelmVersion: 'v3.18.6',
        KubectlVersion: 'v0.34.0',
        JsonnetVersion: 'v0.21.0',
      });
    },
    true,
  );

  route('get', '/api/v1/applications', async (req, res) => {
    if (req.query.refresh) await deps.refresh();
    let reqs;
    try {
      reqs = filterFor(req.query);
    } catch (e) {
      throw new ArgoError(
        500,
        GRPC.Unknown,
        `error parsing the selector: ${(e as Error).message}`,
      );
    }
    const fields = parseFieldsParam(req.query.fields);
    const rv = instance.resourceVersion;
    const unfiltered = ![
      'selector',
      'projects',
      'project',
      'name',
      'appNamespace',
      'fields',
    ].some(k => req.query[k]);
    if (unfiltered && listCache?.rv === rv) {
      sendJson(res, listCache.body);
      return;
    }
    const names = [...instance.apps.keys()].sort();
    const apps = names.map(n => instance.apps.get(n)!).filter(reqs);
    if (fields) {
      const body = projectList(apps, rv, fields, rand);
      if (!body) {
        // The gateway cannot marshal the error either (its field processor rejects it).
        res
          .status(500)
          .type('application/json')
          .send('{"error": "failed to marshal error message"}');
        return;
      }
      sendJson(res, body);
      return;
    }
    // Concatenating cached bytes avoids re-serialising (or copying) thousands of apps.
    const parts: Buffer[] = [
      Buffer.from(
        `{"metadata":{"resourceVersion":"${rv}"},"items":${
          apps.length ? '[' : 'null'
        }`,
      ),
    ];
    apps.forEach((a, i) => {
      if (i) parts.push(COMMA);
      parts.push(instance.jsonBytes(a));
    });
    parts.push(Buffer.from(apps.length ? ']}' : '}'));
    const body = Buffer.concat(parts);
    // Big unfiltered lists are re-served as-is until anything changes.
    if (unfiltered) listCache = { rv, body };
    sendJson(res, body);
  });

  route('get', '/api/v1/applications/:name', async (req, res) => {
    const refresh = req.query.refresh;
    if (refresh) await deps.refresh();
    const a = findApp(req);
    if (refresh) {
      instance.refresh(a);
      instance.touch(a);
    }
    sendJson(res, instance.jsonBytes(a));
  });

  route('get', '/api/v1/applications/:name/resource-tree', (req, res) => {
    res.json(resourceTree(findApp(req)));
  });

  route('get', '/api/v1/applications/:name/managed-resources', (req, res) => {
    // Computed per request: the bench's 10,000 apps per instance pay nothing for it.
    res.json(managedResourcesResponse(instance, findApp(req), req.query));
  });

  route(
    'get',
    '/api/v1/applications/:name/revisions/:revision/metadata',
    async (req, res) => {
      findApp(req);
      const info = await repo.commitInfo(req.params.revision);
      if (!info)
        throw new ArgoError(
          404,
          GRPC.NotFound,
          `revision ${req.params.revision} not found`,
        );
      res.json({
        author: info.author,
        date: info.date,
        message: info.message,
        ...(info.tags.length ? { tags: info.tags } : {}),
      });
    },
  );

  route('get', '/api/v1/applications/:name/events', (req, res) => {
    const a = findApp(req);
    const q = req.query;
    const resource = [q.resourceName, q.resourceUID, q.resourceNamespace];
    if (resource.every(v => !v)) {
      res.json(appEvents.list(a));
      return;
    }
    // A resource's own events: only for a resource of this app's tree, as Argo checks.
    const tree = resourceTree(a);
    const found = tree.nodes.find(
      (n: any) =>
        n.name === q.resourceName &&
        n.uid === q.resourceUID &&
        n.namespace === q.resourceNamespace,
    );
    if (!found) {
      throw new ArgoError(
        400,
        GRPC.InvalidArgument,
        `${q.resourceName} not found as part of application ${a.name}`,
      );
    }
    if (a.rollout && found.kind === 'Rollout') {
      res.json(rolloutEvents(a.rollout, found));
      return;
    }
    // What the destination cluster recorded about it (scheduler, kubelet, controllers).
    res.json(
      resourceEvents(
        found,
        {
          nodes: tree.nodes,
          nodeName: tree.hosts[0]?.name ?? 'node-a',
          container: a.service,
        },
        instance.clock.nowMs(),
      ),
    );
  });

  resourceRoutes({ route, instance, findApp });

  route('get', '/api/v1/clusters', (req, res) => {
    res.json(clusterList(instance, req.query as Record<string, unknown>));
  });

  route('post', '/api/v1/applications/:name/sync', async (req, res) => {
    const a = findApp(req);
    const b = req.body ?? {};
    await instance.startSync(a, {
      revision: b.revision,
      prune: !!b.prune,
      dryRun: !!b.dryRun,
      initiatedBy: { username: res.locals.user },
    });
    sendJson(res, instance.jsonBytes(a));
  });

  route('post', '/api/v1/applications/:name/rollback', async (req, res) => {
    const a = findApp(req);
    const b = req.body ?? {};
    const id = Number(b.id);
    if (!Number.isInteger(id))
      throw new ArgoError(400, GRPC.InvalidArgument, 'rollback id is required');
    await instance.rollback(a, id, {
      prune: !!b.prune,
      dryRun: !!b.dryRun,
      username: res.locals.user,
    });
    sendJson(res, instance.jsonBytes(a));
  });

  route('delete', '/api/v1/applications/:name/operation', (req, res) => {
    instance.terminate(findApp(req));
    res.json({});
  });

  route('get', '/api/v1/stream/applications', (req, res) => {
    let match;
    try {
      match = filterFor(req.query);
    } catch (e) {
      throw new ArgoError(
        500,
        GRPC.Unknown,
        `error parsing labels with selectors: ${(e as Error).message}`,
      );
    }
    streamApplications({
      instance,
      service: deps.service,
      req,
      res,
      match,
      keepaliveMs: deps.keepaliveMs ?? 15_000,
    });
  });

  app.use((_req, res) => {
    deps.service().count('unmatched');
    res
      .status(404)
      .json({ error: 'Not Found', code: GRPC.NotFound, message: 'Not Found' });
  });
  return deps.pathPrefix ? underPrefix(app, deps) : app;
}

/**
 * Argo CD with `--rootpath /argocd` (behind an ingress path) registers its handlers under the
 * prefix only; anything else meets Go's mux: `404 page not found` in text/plain.
 */
function underPrefix(
  api: express.Express,
  deps: { pathPrefix?: string; service: () => SimService },
) {
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('etag', false);
  outer.use(deps.pathPrefix!, api);
  outer.use((_req, res) => {
    deps.service().count('unmatched');
    res
      .status(404)
      .type('text/plain; charset=utf-8')
      .set('x-content-type-options', 'nosniff')
      .send('404 page not found\n');
  });
  return outer;
}
