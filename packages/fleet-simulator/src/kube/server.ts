import express from 'express';
import { SimService } from '../util/service';
import { matchesSelector, parseSelector } from '../util/labels';
import { KINDS, Plural, VELERO_NS, VeleroCluster } from './velero';
import { kubeStatus as status } from './status';
import { watchObjects } from './watch';

const RESOURCES = (Object.keys(KINDS) as Plural[]).map(plural => ({
  name: plural,
  singularName: KINDS[plural].toLowerCase(),
  namespaced: true,
  kind: KINDS[plural],
  verbs: [
    'delete',
    'deletecollection',
    'get',
    'list',
    'patch',
    'create',
    'update',
    'watch',
  ],
  storageVersionHash: Buffer.from(plural).toString('base64').slice(0, 12),
}));

/**
 * The Kubernetes API subset a Velero dashboard needs: discovery, and list/get/watch (plus
 * create for Backups/Restores) of velero.io/v1 objects in namespace `velero`.
 */
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
  route('get', '/api', (_req, res) => {
    res.json({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' },
      ],
    });
  });
  const group = {
    name: 'velero.io',
    versions: [{ groupVersion: 'velero.io/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'velero.io/v1', version: 'v1' },
  };
  route('get', '/apis', (_req, res) =>
    res.json({ kind: 'APIGroupList', apiVersion: 'v1', groups: [group] }),
  );
  route('get', '/apis/velero.io', (_req, res) =>
    res.json({ kind: 'APIGroup', apiVersion: 'v1', ...group }),
  );
  route('get', '/apis/velero.io/v1', (_req, res) => {
    res.json({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'velero.io/v1',
      resources: RESOURCES,
    });
  });
  route('get', '/api/v1/namespaces', (_req, res) => {
    const names = ['default', 'kube-system', VELERO_NS, ...v.namespaces].sort();
    res.json({
      kind: 'NamespaceList',
      apiVersion: 'v1',
      metadata: { resourceVersion: v.resourceVersion },
      items: names.map(name => ({
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        status: { phase: 'Active' },
      })),
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

  const listOrWatch = (req: express.Request, res: express.Response) => {
    const plural = pluralOf(req, res);
    if (!plural) return;
    const ns = req.params.ns;
    const reqs = parseSelector(
      typeof req.query.labelSelector === 'string'
        ? req.query.labelSelector
        : undefined,
    );
    const fieldName =
      typeof req.query.fieldSelector === 'string'
        ? /metadata\.name=([^,]+)/.exec(req.query.fieldSelector)?.[1]
        : undefined;
    const match = (o: any) =>
      (!ns || o.metadata.namespace === ns) &&
      (!fieldName || o.metadata.name === fieldName) &&
      matchesSelector(reqs, o.metadata.labels);
    const items = [...v.store[plural].values()]
      .filter(match)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
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
      });
      return;
    }
    res.json({
      apiVersion: 'velero.io/v1',
      kind: `${KINDS[plural]}List`,
      metadata: { resourceVersion: v.resourceVersion },
      items,
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
      const o =
        req.params.ns === VELERO_NS
          ? v.store[plural].get(req.params.name)
          : undefined;
      if (!o) {
        res
          .status(404)
          .json(
            status(
              404,
              'NotFound',
              `${plural}.velero.io "${req.params.name}" not found`,
              { name: req.params.name, group: 'velero.io', kind: plural },
            ),
          );
        return;
      }
      res.json(o);
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
        res
          .status(404)
          .json(
            status(
              404,
              'NotFound',
              `${plural}.velero.io "${req.params.name}" not found`,
              { name: req.params.name, group: 'velero.io', kind: plural },
            ),
          );
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
