import type express from 'express';
/** A Kubernetes `Status` object (failures: NotFound, Unauthorized, Expired, ...). */
export const kubeStatus = (
  code: number,
  reason: string,
  message: string,
  details?: object,
) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details ? { details } : {}),
  code,
});

/** 406 for an Accept no serializer answers, in the API server's words. */
export function sendUnacceptableMediaType(res: express.Response) {
  res
    .status(406)
    .json(
      kubeStatus(
        406,
        'NotAcceptable',
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      ),
    );
}
