import type express from 'express';
import type { TableSchema } from './crds';
import { Conversion, negotiate, resourceConversions } from './negotiate';
import { kubeStatus, sendUnacceptableMediaType } from './status';
import {
  TableOptions,
  partialObjectMetadata,
  partialObjectMetadataList,
  tableOptions,
  toTable,
} from './table';

/**
 * How a GET of a resource is answered: the Accept header's conversion (none, Table,
 * PartialObjectMetadata[List]) and the Table options, or the error the API server would answer
 * (406 for a conversion it cannot make, 400 for a bad `includeObject`), already written.
 */
export interface Negotiated {
  conversion: Conversion | null;
  options?: TableOptions;
}

export function negotiateResource(
  req: express.Request,
  res: express.Response,
  isList: boolean,
): Negotiated | undefined {
  const conversion = negotiate(req.headers.accept, resourceConversions);
  if (conversion === undefined) {
    sendUnacceptableMediaType(res);
    return undefined;
  }
  if (conversion?.kind === 'Table') {
    const options = tableOptions(req.query.includeObject);
    if ('error' in options) {
      res.status(400).json(kubeStatus(400, 'BadRequest', options.error));
      return undefined;
    }
    return { conversion, options };
  }
  // The watch encoder converts event by event; only a plain GET can ask for the wrong shape.
  const wrongShape =
    req.query.watch === undefined &&
    ((isList && conversion?.kind === 'PartialObjectMetadata') ||
      (!isList && conversion?.kind === 'PartialObjectMetadataList'));
  if (wrongShape) {
    res
      .status(406)
      .json(
        kubeStatus(
          406,
          'NotAcceptable',
          isList
            ? 'you requested PartialObjectMetadata, but the requested object is a list (*unstructured.UnstructuredList)'
            : 'you requested PartialObjectMetadataList, but the requested object is not a list (*unstructured.Unstructured)',
        ),
      );
    return undefined;
  }
  return { conversion };
}

/** Writes a list (its items and list metadata) in the negotiated form. */
export function sendList(
  res: express.Response,
  n: Negotiated,
  d: {
    crd: TableSchema;
    items: any[];
    listMeta: Record<string, unknown>;
    nowMs: number;
  },
) {
  const c = n.conversion;
  if (!c) {
    res.json({
      apiVersion: 'velero.io/v1',
      items: d.items,
      kind: d.crd.listKind,
      metadata: d.listMeta,
    });
    return;
  }
  const apiVersion = `${c.group}/${c.version}`;
  // ListMeta's continue is omitempty in the typed Table / PartialObjectMetadataList.
  const { continue: cont, ...rest } = d.listMeta;
  const listMeta = cont ? d.listMeta : rest;
  if (c.kind === 'PartialObjectMetadataList') {
    res.json(partialObjectMetadataList(d.items, listMeta, apiVersion));
    return;
  }
  res.json(
    toTable({
      crd: d.crd,
      items: d.items,
      listMeta,
      options: n.options!,
      apiVersion,
      nowMs: d.nowMs,
    }),
  );
}

/** Writes one object in the negotiated form. */
export function sendObject(
  res: express.Response,
  n: Negotiated,
  d: { crd: TableSchema; object: any; nowMs: number },
) {
  const c = n.conversion;
  if (!c) {
    res.json(d.object);
    return;
  }
  const apiVersion = `${c.group}/${c.version}`;
  if (c.kind === 'PartialObjectMetadata') {
    res.json(partialObjectMetadata(d.object, apiVersion));
    return;
  }
  res.json(
    toTable({
      crd: d.crd,
      items: [d.object],
      listMeta: { resourceVersion: d.object.metadata.resourceVersion },
      options: n.options!,
      apiVersion,
      nowMs: d.nowMs,
    }),
  );
}
