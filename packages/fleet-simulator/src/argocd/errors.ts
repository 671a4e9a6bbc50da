/** gRPC status codes Argo CD's gateway maps to HTTP (body `{error, code, message}`). */
export const GRPC = {
  Unknown: 2,
  InvalidArgument: 3,
  NotFound: 5,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Unauthenticated: 16,
};

export class ArgoError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }

  body() {
    return { error: this.message, code: this.code, message: this.message };
  }
}

export const permissionDenied = () =>
  new ArgoError(403, GRPC.PermissionDenied, 'permission denied');
