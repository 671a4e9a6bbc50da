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
