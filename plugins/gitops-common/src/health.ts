/** Answer of `GET /api/gitops/health`. @public */
export type GitopsHealthResponse = { status: 'ok' };
