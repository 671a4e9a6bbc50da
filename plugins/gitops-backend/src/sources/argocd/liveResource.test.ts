import { mockServices } from '@backstage/backend-test-utils';
import { UpstreamError } from '../../util/errors';
import { ArgoCdClient } from './ArgoCdClient';
import { ArgoCdSource } from './ArgoCdSource';

const TOKEN = 'argo-static-token-1234';
const ROLLOUT = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  kind: 'Rollout',
  namespace: 'schedule-bot-dev',
  name: 'schedule-bot',
};

/** An Argo CD that answers each call with `answer` and records what it was asked. */
function sourceAnswering(answer: { status: number; body: unknown }) {
  const calls: Array<{ url: string; method?: string; body?: unknown }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({
      url,
      method: init.method,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  const client = new ArgoCdClient(
    { name: 'argocd-main', url: 'https://argocd.example', token: TOKEN },
    { now: () => new Date() },
    fetchFn,
  );
  const source = new ArgoCdSource(client, {
    logger: mockServices.logger.mock(),
    resyncMs: 600_000,
  });
  return { source, calls };
}

const app = { name: 'schedule-bot-dev', namespace: 'argocd' };

describe('ArgoCdSource live resources and resource actions', () => {
  it("reads a resource's live manifest, a JSON document in a string", async () => {
    const { source, calls } = sourceAnswering({
      status: 200,
      body: { manifest: JSON.stringify({ kind: 'Rollout', spec: {} }) },
    });
    await expect(source.getLiveResource(app, ROLLOUT)).resolves.toEqual({
      kind: 'Rollout',
      spec: {},
    });
    const url = new URL(calls[0].url);
    expect(url.pathname).toBe('/api/v1/applications/schedule-bot-dev/resource');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      namespace: 'schedule-bot-dev',
      resourceName: 'schedule-bot',
      version: 'v1alpha1',
      group: 'argoproj.io',
      kind: 'Rollout',
      appNamespace: 'argocd',
    });
  });

  it('rejects a manifest that is not JSON, saying which object, without its content', async () => {
    const { source } = sourceAnswering({
      status: 200,
      body: { manifest: '{"kind": "Rollout", secret-ish' },
    });
    const error = await source.getLiveResource(app, ROLLOUT).catch(e => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'Argo CD answered a live manifest of Rollout schedule-bot-dev/schedule-bot that is not JSON (30 characters)',
    );
  });

  it('runs an action with everything in the v2 body', async () => {
    const { source, calls } = sourceAnswering({ status: 200, body: {} });
    await source.runResourceAction(app, ROLLOUT, 'resume');
    expect(calls[0].method).toBe('POST');
    expect(new URL(calls[0].url).pathname).toBe(
      '/api/v1/applications/schedule-bot-dev/resource/actions/v2',
    );
    expect(new URL(calls[0].url).search).toBe('');
    expect(calls[0].body).toEqual({
      name: 'schedule-bot-dev',
      appNamespace: 'argocd',
      action: 'resume',
      namespace: 'schedule-bot-dev',
      resourceName: 'schedule-bot',
      version: 'v1alpha1',
      group: 'argoproj.io',
      kind: 'Rollout',
    });
  });

  it("rejects a refused action with Argo CD's reason and its status, never the token", async () => {
    const { source } = sourceAnswering({
      status: 400,
      body: {
        code: 9,
        message: `action resume not available (token=${TOKEN})`,
      },
    });
    const error = await source
      .runResourceAction(app, ROLLOUT, 'resume')
      .catch(e => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /answered HTTP 400: action resume not available/,
    );
    expect(error.message).not.toContain(TOKEN);
  });
});
