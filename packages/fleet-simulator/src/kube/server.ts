import express from 'express';
import { SimService } from '../util/service';
import { matchesSelector, parseSelector } from '../util/labels';
import { KINDS, Plural, VELERO_NS, VeleroCluster } from './velero';
import { kubeStatus as status } from './status';
import { watchObjects } from './watch';
import { CRDS, NAMESPACE_TABLE } from './crds';
import { uid } from '../argocd/app';
import { discoveryRoutes } from './discovery';
import { byKey, paginate } from './paging';
import { negotiateResource, sendList, sendObject } from './respond';

/** The API server's answer to a path or resource type it does not serve. */
function notFound(res: express.Response) {
  res
    .status(404)
    .json(
      status(
        404,
        'NotFound',
        'the server could not find the requested resource',
      ),
    );
}

/**
 * The Kubernetes API subset a Velero dashboard (and kubectl) needs: discovery, and
 * list/get/watch (plus create for Backups/Restores, delete of any) of velero.io/v1 objects in
 * namespace `velero`, as JSON, as a meta.k8s.io Table or as PartialObjectMetadata.
 */
export function kubeApp(d: {
  cluster: string;
  velero: VeleroCluster;
  token: string;
  service: () => SimService;
  /** BOOKMARK interval of watches with allowWatchBookmarks=true (real time). */
  bookmarkIntervalMs?: number;
}) {
  const v = d.velero;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());

  const route = (
    method: 'get' | 'post' | 'delete',
    path: string,
    h: (req: express.Request, res: express.Response) => void,
  ) => {
    app[method](path, (req, res) => {
      d.service().count(`${method.toUpperCase()} ${path}`);
      if (req.headers.authorization !== `Bearer ${d.token}`) {
        res.status(401).json(status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      h(req, res);
    });
  };

  route('get', '/version', (_req, res) => {
    res.json({
      major: '1',
      minor: '30',
      gitVersion: 'v1.30.4',
      gitCommit: 'a51b3b711150f57ffc1f526a640ec058514ed596',
      gitTreeState: 'clean',
      buildDate: '2024-08-14T19:04:53Z',
      goVersion: 'go1.22.5',
      compiler: 'gc',
      platform: 'linux/amd64',
    });
  });
  discoveryRoutes(
    (p, h) => route('get', p, h),
    () => new URL(d.service().url).host,
  );
  // Namespaces exist from before Velero was installed (its BSL is 30 days old at start).
  const nsCreated = new Date(v.nowMs() - 30 * 86_400_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const namespaces = () =>
    ['default', 'kube-system', VELERO_NS, ...v.namespaces]
      .sort()
      .map((name, i) => ({
        metadata: {
          name,
          uid: uid(d.cluster, 'namespaces', name),
          resourceVersion: String(100 + i),
          creationTimestamp: nsCreated,
          labels: { 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      }));
  route('get', '/api/v1/namespaces', (req, res) => {
    const n = negotiateResource(req, res, true);
    if (!n) return;
    const listMeta = { resourceVersion: v.resourceVersion };
    if (n.conversion)
      sendList(res, n, {
        crd: NAMESPACE_TABLE,
        items: namespaces(),
        listMeta,
        nowMs: v.nowMs(),
      });
    else
      res.json({
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: listMeta,
        items: namespaces(),
      });
  });
  route('get', '/api/v1/namespaces/:name', (req, res) => {
    const n = negotiateResource(req, res, false);
    if (!n) return;
    const ns = namespaces().find(x => x.metadata.name === req.params.name);
    if (!ns) {
      res.status(404).json(
        status(404, 'NotFound', `namespaces "${req.params.name}" not found`, {
          name: req.params.name,
          kind: 'namespaces',
        }),
      );
      return;
    }
    sendObject(res, n, {
      crd: NAMESPACE_TABLE,
      object: { kind: 'Namespace', apiVersion: 'v1', ...ns },
      nowMs: v.nowMs(),
    });
  });

  const pluralOf = (
    req: express.Request,
    res: express.Response,
  ): Plural | undefined => {
    const p = req.params.plural as Plural;
    if (!(p in KINDS)) {
      notFound(res);
      return undefined;
    }
    return p;
  };
  const missing = (res: express.Response, plural: Plural, name: string) =>
    res.status(404).json(
      status(404, 'NotFound', `${plural}.velero.io "${name}" not found`, {
        name,
        group: 'velero.io',
        kind: plural,
      }),
    );

  const listOrWatch = (req: express.Request, res: express.Response) => {
    const plural = pluralOf(req, res);
    if (!plural) return;
    const n = negotiateResource(req, res, true);
    if (!n) return;
    const ns = req.params.ns;
    const labelSelector =
      typeof req.query.labelSelector === 'string'
        ? req.query.labelSelector
        : undefined;
    const reqs = parseSelector(labelSelector);
    const fieldName =
      typeof req.query.fieldSelector === 'string'
        ? /metadata\.name=([^,]+)/.exec(req.query.fieldSelector)?.[1]
        : undefined;
    const match = (o: any) =>
      (!ns || o.metadata.namespace === ns) &&
      (!fieldName || o.metadata.name === fieldName) &&
      matchesSelector(reqs, o.metadata.labels);
    const items = [...v.store[plural].values()].filter(match).sort(byKey);
    if (req.query.watch === 'true' || req.query.watch === '1') {
      watchObjects({
        velero: v,
        service: d.service,
        plural,
        req,
        res,
        match,
        matchLogged: e =>
          (!ns || e.namespace === ns) &&
          (!fieldName || e.name === fieldName) &&
          matchesSelector(reqs, e.labels),
        items,
        bookmarkIntervalMs: d.bookmarkIntervalMs ?? 60_000,
        conversion: n.conversion,
        tableOptions: n.options,
      });
      return;
    }
    const page = paginate(
      items,
      req.query,
      v.resourceVersion,
      Boolean(labelSelector || req.query.fieldSelector),
    );
    if ('error' in page) {
      res.status(400).json(status(400, 'BadRequest', page.error));
      return;
    }
    sendList(res, n, {
      crd: CRDS[plural],
      items: page.items,
      listMeta: page.listMeta,
      nowMs: v.nowMs(),
    });
  };

  route('get', '/apis/velero.io/v1/namespaces/:ns/:plural', listOrWatch);
  route('get', '/apis/velero.io/v1/:plural', listOrWatch);
  route(
    'get',
    '/apis/velero.io/v1/namespaces/:ns/:plural/:name',
    (req, res) => {
      const plural = pluralOf(req, res);
      if (!plural) return;
      const n = negotiateResource(req, res, false);
      if (!n) return;
      const o =
        req.params.ns === VELERO_NS
          ? v.store[plural].get(req.params.name)
          : undefined;
      if (!o) {
        missing(res, plural, req.params.name);
        return;
      }
      sendObject(res, n, { crd: CRDS[plural], object: o, nowMs: v.nowMs() });
    },
  );
  route(
    'delete',
    '/apis/velero.io/v1/namespaces/:ns/:plural/:name',
    (req, res) => {
      const plural = pluralOf(req, res);
      if (!plural) return;
      const gone =
        req.params.ns === VELERO_NS
          ? v.delete(plural, req.params.name)
          : undefined;
      if (!gone) {
        missing(res, plural, req.params.name);
        return;
      }
      res.json(gone);
    },
  );
  route('post', '/apis/velero.io/v1/namespaces/:ns/:plural', (req, res) => {
    const plural = pluralOf(req, res);
    if (!plural) return;
    const body = req.body ?? {};
    const name = body.metadata?.name;
    if (
      !name ||
      req.params.ns !== VELERO_NS ||
      (plural !== 'backups' && plural !== 'restores')
    ) {
      res
        .status(422)
        .json(
          status(
            422,
            'Invalid',
            `only named Backups and Restores in namespace ${VELERO_NS} can be created here`,
          ),
        );
      return;
    }
    if (v.store[plural].has(name)) {
      res
        .status(409)
        .json(
          status(
            409,
            'AlreadyExists',
            `${plural}.velero.io "${name}" already exists`,
          ),
        );
      return;
    }
    if (plural === 'backups') {
      v.runBackup(
        body.metadata?.labels?.['velero.io/schedule-name'],
        body.spec ?? {},
        undefined,
        name,
      );
    } else {
      v.runRestore({
        metadata: { name, labels: body.metadata?.labels },
        spec: body.spec ?? {},
      });
    }
    res.status(201).json(v.store[plural].get(name));
  });

  app.use((_req, res) => {
    d.service().count('unmatched');
    notFound(res);
  });
  return app;
}
