/**
 * What the backend said about a failed request: the message of Backstage's error JSON (e.g.
 * Argo CD's reason for refusing an action, sent with a 409), which a `ResponseError` keeps as its
 * cause while its own message is only `Request failed with 409 Conflict`. Other errors as they are.
 */
export function backendMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { cause } = error as { cause?: unknown };
  if (cause instanceof Error && cause.message) return cause.message;
  if (
    typeof cause === 'object' &&
    cause !== null &&
    typeof (cause as { message?: unknown }).message === 'string'
  )
    return (cause as { message: string }).message;
  return error.message;
}
