import { createHash } from 'node:crypto';
import type express from 'express';
import {
  CRD_LIST,
  GROUP,
  VERSION,
  type CrdVersion,
  storageVersionHash,
} from './crds';
import { discoveryConversions, negotiate } from './negotiate';
import { sendUnacceptableMediaType } from './status';

/**
 * Discovery as kube-apiserver 1.30 serves it for this subset (the core group's namespaces and
 * Velero's CRDs): the legacy documents (`/api`, `/api/v1`, `/apis`, `/apis/velero.io`,
 * `/apis/velero.io/v1`) and, when the Accept header asks for
 * `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2` (or v2beta1), the aggregated document
 * at `/api` and `/apis`, with its ETag (304 on If-None-Match), `Vary: Accept` and the
 * GVK in the Content-Type, which is how client-go tells it from the legacy one.
 */

const CRD_VERBS = [
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'create',
  'update',
  'watch',
];
const NAMESPACE_VERBS = [
  'create',
  'delete',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const namespaceKind = { group: '', version: 'v1', kind: 'Namespace' };

export const coreResourceList = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    {
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: NAMESPACE_VERBS,
      shortNames: ['ns'],
      storageVersionHash: storageVersionHash('', 'v1', 'Namespace'),
    },
    {
      name: 'namespaces/finalize',
      singularName: '',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['update'],
    },
    {
      name: 'namespaces/status',
      singularName: '',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['get', 'patch', 'update'],
    },
  ],
};

export const veleroResourceList = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: `${GROUP}/${VERSION}`,
  resources: CRD_LIST.map((c: CrdVersion) => ({
    name: c.plural,
    singularName: c.singular,
    namespaced: true,
    kind: c.kind,
    verbs: CRD_VERBS,
    ...(c.shortNames ? { shortNames: c.shortNames } : {}),
    storageVersionHash: storageVersionHash(GROUP, VERSION, c.kind),
  })),
};

const groupVersion = { groupVersion: `${GROUP}/${VERSION}`, version: VERSION };
export const veleroGroup = {
  name: GROUP,
  versions: [groupVersion],
  preferredVersion: groupVersion,
};

const coreGroupDiscovery = {
  metadata: { creationTimestamp: null },
  versions: [
    {
      version: 'v1',
      resources: [
        {
          resource: 'namespaces',
          responseKind: namespaceKind,
          scope: 'Cluster',
          singularResource: 'namespace',
          verbs: NAMESPACE_VERBS,
          shortNames: ['ns'],
          subresources: [
            {
              subresource: 'finalize',
              responseKind: namespaceKind,
              verbs: ['update'],
            },
            {
              subresource: 'status',
              responseKind: namespaceKind,
              verbs: ['get', 'patch', 'update'],
            },
          ],
        },
      ],
      freshness: 'Current',
    },
  ],
};

const veleroGroupDiscovery = {
  metadata: { name: GROUP, creationTimestamp: null },
  versions: [
    {
      version: VERSION,
      resources: CRD_LIST.map(c => ({
        resource: c.plural,
        responseKind: { group: GROUP, version: VERSION, kind: c.kind },
        scope: 'Namespaced',
        singularResource: c.singular,
        verbs: CRD_VERBS,
        ...(c.shortNames ? { shortNames: c.shortNames } : {}),
      })),
      freshness: 'Current',
    },
  ],
};

/** The aggregated document of `/api` (`core`) or `/apis`, in the negotiated version. */
export function aggregatedDiscovery(
  which: 'core' | 'apis',
  version: 'v2' | 'v2beta1',
) {
  const body = {
    metadata: {},
    items: [which === 'core' ? coreGroupDiscovery : veleroGroupDiscovery],
  };
  // The server hashes the document without its TypeMeta (aggregated/etag.go).
  const etag = createHash('sha512')
    .update(JSON.stringify(body))
    .digest('hex')
    .toUpperCase();
  return {
    etag: `"${etag}"`,
    document: {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${version}`,
      ...body,
    },
  };
}

type Route = (
  path: string,
  h: (req: express.Request, res: express.Response) => void,
) => void;

/** Registers the discovery endpoints; `serverAddress` is what `/api` advertises (host:port). */
export function discoveryRoutes(get: Route, serverAddress: () => string) {
  const legacyOrAggregated =
    (which: 'core' | 'apis', legacy: () => unknown) =>
    (req: express.Request, res: express.Response) => {
      const conv = negotiate(req.headers.accept, discoveryConversions);
      if (conv === undefined) {
        sendUnacceptableMediaType(res);
        return;
      }
      if (!conv) {
        res.json(legacy());
        return;
      }
      const version = conv.version as 'v2' | 'v2beta1';
      const { etag, document } = aggregatedDiscovery(which, version);
      res.setHeader('ETag', etag);
      res.setHeader('Vary', 'Accept');
      res.setHeader('Cache-Control', 'public');
      if (req.headers['if-none-match'] === etag) {
        res.status(304).end();
        return;
      }
      res.setHeader(
        'content-type',
        `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
      );
      res.end(JSON.stringify(document));
    };

  get(
    '/api',
    legacyOrAggregated('core', () => ({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: serverAddress() },
      ],
    })),
  );
  get(
    '/apis',
    legacyOrAggregated('apis', () => ({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [veleroGroup],
    })),
  );
  get('/api/v1', (_req, res) => res.json(coreResourceList));
  get(`/apis/${GROUP}`, (_req, res) =>
    res.json({ kind: 'APIGroup', apiVersion: 'v1', ...veleroGroup }),
  );
  get(`/apis/${GROUP}/${VERSION}`, (_req, res) => res.json(veleroResourceList));
}
