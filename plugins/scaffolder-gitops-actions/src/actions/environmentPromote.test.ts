import os from 'node:os';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type {
  PromotionPreview,
  PromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createEnvironmentPromoteAction } from './environmentPromote';

const BASE = 'http://localhost:0/api/gitops';
const ENTITY = `${BASE}/entities/component/default/payments-api`;
const INITIATOR = mockCredentials.user('user:default/alice');
const DIFF =
  '--- a/apps/payments-api/overlays/staging/kustomization.yaml\n+++ b/apps/payments-api/overlays/staging/kustomization.yaml\n@@ -4 +4 @@\n-    newTag: 1.3.2\n+    newTag: 1.4.0\n';

type Call = {
  method: string;
  path: string;
  authorization: string | null;
  body?: any;
};

/** The gitops backend's promotion routes, as far as the action uses them. */
class FakeGitopsBackend {
  calls: Call[] = [];
  promotions: PromotionRecord[] = [];
  /** Answers replacing the normal ones, by `METHOD path-suffix`. */
  failures = new Map<string, { status: number; message: string }>();
  preview: Partial<PromotionPreview> = {};
  /** States a promotion goes through on each later list call (for waitFor). */
  laterStates: PromotionRecord['state'][] = [];

  handlers() {
    const record = async (request: Request, suffix: string) => {
      const call: Call = {
        method: request.method,
        path: suffix,
        authorization: request.headers.get('authorization'),
      };
      if (request.method === 'POST') call.body = await request.json();
      this.calls.push(call);
      const failure = this.failures.get(`${request.method} ${suffix}`);
      return failure
        ? HttpResponse.json(
            {
              error: { name: 'Error', message: failure.message },
              response: { statusCode: failure.status },
            },
            { status: failure.status },
          )
        : undefined;
    };
    return [
      http.get(`${ENTITY}/promotions`, async ({ request }) => {
        const failed = await record(request, '/promotions');
        if (failed) return failed;
        const next = this.promotions[0] && this.laterStates.shift();
        if (next) this.promotions[0] = { ...this.promotions[0], state: next };
        return HttpResponse.json({ configured: true, items: this.promotions });
      }),
      http.post(`${ENTITY}/promotions/preview`, async ({ request }) => {
        const failed = await record(request, '/promotions/preview');
        if (failed) return failed;
        const body = this.calls[this.calls.length - 1].body;
        const preview: PromotionPreview = {
          id: '11111111-1111-4111-8111-111111111111',
          entityRef: 'component:default/payments-api',
          from: body.from,
          to: body.to,
          version: body.version ?? '1.4.0',
          previousVersion: '1.3.2',
          mode: 'commit',
          baseSha: 'a'.repeat(40),
          files: [
            {
              path: 'apps/payments-api/overlays/staging/kustomization.yaml',
              diff: DIFF,
            },
          ],
          gates: [
            {
              gate: 'source-healthy',
              status: 'passed',
              message: 'dev runs 1.4.0 Synced and Healthy',
            },
            { gate: 'smoke', status: 'skipped', message: 'not configured' },
            { gate: 'approval', status: 'skipped', message: 'not required' },
          ],
          approvalRequired: false,
          blocked: false,
          ...this.preview,
        };
        return HttpResponse.json(preview);
      }),
      http.post(`${ENTITY}/promotions`, async ({ request }) => {
        const failed = await record(request, '/promotions');
        if (failed) return failed;
        const body = this.calls[this.calls.length - 1].body;
        const created = promotion({
          id: '22222222-2222-4222-8222-222222222222',
          from: body.from,
          to: body.to,
          version: body.version,
        });
        this.promotions.unshift(created);
        return HttpResponse.json(created, { status: 201 });
      }),
    ];
  }
}

function promotion(overrides: Partial<PromotionRecord>): PromotionRecord {
  return {
    id: '33333333-3333-4333-8333-333333333333',
    kind: 'promotion',
    entityRef: 'component:default/payments-api',
    from: 'dev',
    to: 'staging',
    version: '1.4.0',
    previousVersion: '1.3.2',
    requester: 'user:default/alice',
    state: 'committed',
    mode: 'commit',
    commitSha: 'c'.repeat(40),
    gateResults: [
      { gate: 'source-healthy', status: 'passed', message: 'ok' },
      { gate: 'smoke', status: 'skipped', message: 'not configured' },
      { gate: 'approval', status: 'skipped', message: 'not required' },
    ],
    files: ['apps/payments-api/overlays/staging/kustomization.yaml'],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('gitops:environment:promote', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  let backend: FakeGitopsBackend;

  beforeEach(() => {
    backend = new FakeGitopsBackend();
    server.use(...backend.handlers());
  });

  const action = () =>
    createEnvironmentPromoteAction({
      discovery: mockServices.discovery(),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      pollIntervalMs: 5,
    });

  function context(input: Record<string, unknown>, isDryRun = false) {
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        logger,
        // The action uses no workspace (a mock directory per test would add exit hooks).
        workspacePath: os.tmpdir(),
      }),
      getInitiatorCredentials: async () => INITIATOR,
      isDryRun,
    };
    const outputs = () =>
      Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
    const logged = () =>
      [
        ...logger.info.mock.calls,
        ...logger.warn.mock.calls,
        ...logger.error.mock.calls,
      ]
        .map(args => String(args[0]))
        .join('\n');
    return { ctx, outputs, logged };
  }

  const input = {
    entityRef: 'component:default/payments-api',
    from: 'dev',
    to: 'staging',
  };

  it('previews, then creates the promotion on behalf of the initiator', async () => {
    const { ctx, outputs, logged } = context(input);
    await action().handler(ctx);

    expect(backend.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      'GET /promotions',
      'POST /promotions/preview',
      'POST /promotions',
    ]);
    expect(backend.calls[1].body).toEqual({ from: 'dev', to: 'staging' });
    expect(backend.calls[2].body).toEqual({
      from: 'dev',
      to: 'staging',
      version: '1.4.0',
      previewId: '11111111-1111-4111-8111-111111111111',
    });
    const token = mockCredentials.service.token({
      onBehalfOf: INITIATOR,
      targetPluginId: 'gitops',
    });
    expect(token).toContain('user:default/alice');
    for (const call of backend.calls) {
      expect(call.authorization).toBe(`Bearer ${token}`);
    }
    expect(outputs()).toEqual({
      id: '22222222-2222-4222-8222-222222222222',
      state: 'committed',
      version: '1.4.0',
      previousVersion: '1.3.2',
      mode: 'commit',
      commitSha: 'c'.repeat(40),
      files: ['apps/payments-api/overlays/staging/kustomization.yaml'],
      diff: DIFF,
      gates: expect.arrayContaining([
        expect.objectContaining({ gate: 'source-healthy', status: 'passed' }),
      ]),
      created: true,
    });
    expect(logged()).toContain('+    newTag: 1.4.0');
    expect(logged()).toContain(
      'Gate source-healthy: passed (dev runs 1.4.0 Synced and Healthy)',
    );
    expect(logged()).not.toContain(token);
  });

  it('outputs the pull request of a promotion waiting for approval', async () => {
    backend.preview = {
      mode: 'pull-request',
      approvalRequired: true,
      branch: 'promote/payments-api-prod-1.4.0',
    };
    server.use(
      http.post(`${ENTITY}/promotions`, async ({ request }) => {
        const body = (await request.json()) as any;
        return HttpResponse.json(
          promotion({
            from: body.from,
            to: body.to,
            state: 'awaiting-approval',
            mode: 'pull-request',
            branch: 'promote/payments-api-prod-1.4.0',
            prUrl: 'https://git.example.com/gitops/pulls/7',
          }),
          { status: 201 },
        );
      }),
    );
    const { ctx, outputs, logged } = context({
      ...input,
      from: 'staging',
      to: 'prod',
    });
    await action().handler(ctx);
    expect(outputs()).toMatchObject({
      state: 'awaiting-approval',
      mode: 'pull-request',
      pullRequestUrl: 'https://git.example.com/gitops/pulls/7',
      branch: 'promote/payments-api-prod-1.4.0',
      created: true,
    });
    expect(logged()).toContain('another owner of the service approves it');
  });

  it.each([
    ['a dry run', { ...input }, true],
    ['previewOnly', { ...input, previewOnly: true }, false],
  ])('%s only previews and never POSTs /promotions', async (_, i, dry) => {
    const { ctx, outputs, logged } = context(i, dry);
    await action().handler(ctx);
    expect(backend.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      'POST /promotions/preview',
    ]);
    expect(outputs()).toMatchObject({
      id: '11111111-1111-4111-8111-111111111111',
      state: 'previewed',
      version: '1.4.0',
      diff: DIFF,
      blocked: false,
      created: false,
    });
    expect(logged()).toContain('+    newTag: 1.4.0');
  });

  it('returns the existing promotion of the same version on retry, without a second POST', async () => {
    backend.promotions = [promotion({ state: 'committed' })];
    const { ctx, outputs } = context({ ...input, version: '1.4.0' });
    await action().handler(ctx);
    expect(backend.calls.map(c => `${c.method} ${c.path}`)).toEqual([
      'GET /promotions',
    ]);
    expect(outputs()).toMatchObject({
      id: '33333333-3333-4333-8333-333333333333',
      state: 'committed',
      created: false,
    });
  });

  it('finds the existing promotion by the previewed version when none is given', async () => {
    backend.promotions = [
      promotion({
        state: 'awaiting-approval',
        mode: 'pull-request',
        prUrl: 'https://git.example.com/gitops/pulls/7',
      }),
    ];
    backend.preview = { blocked: true };
    const { ctx, outputs } = context(input);
    await action().handler(ctx);
    expect(backend.calls.filter(c => c.method === 'POST')).toHaveLength(1);
    expect(outputs()).toMatchObject({
      id: '33333333-3333-4333-8333-333333333333',
      pullRequestUrl: 'https://git.example.com/gitops/pulls/7',
      created: false,
    });
  });

  it('returns the promotion that already landed when `to` runs the version', async () => {
    backend.promotions = [promotion({ state: 'synced' })];
    backend.failures.set('POST /promotions/preview', {
      status: 409,
      message: 'payments-api already runs 1.4.0 in staging',
    });
    const { ctx, outputs } = context(input);
    await action().handler(ctx);
    expect(outputs()).toMatchObject({ state: 'synced', created: false });
    expect(
      backend.calls.filter(
        c => c.path === '/promotions' && c.method === 'POST',
      ),
    ).toHaveLength(0);
  });

  it('turns a 403 into a clear not-allowed error', async () => {
    backend.failures.set('POST /promotions/preview', {
      status: 403,
      message: 'Not allowed to promote of component:default/payments-api',
    });
    const { ctx } = context(input);
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringMatching(
        /not allowed to promote component:default\/payments-api from dev to staging/,
      ),
    });
  });

  it('turns a 409 into a conflict error with the reason', async () => {
    backend.failures.set('POST /promotions', {
      status: 409,
      message:
        'another promotion of component:default/payments-api to staging is in progress; try again shortly',
    });
    const { ctx } = context(input);
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'Cannot promote component:default/payments-api from dev to staging: another promotion of component:default/payments-api to staging is in progress; try again shortly',
    });
  });

  it('refuses a blocked preview with the failed gates, without creating', async () => {
    backend.preview = {
      blocked: true,
      gates: [
        {
          gate: 'source-healthy',
          status: 'failed',
          message: 'dev is Degraded',
        },
      ],
    };
    const { ctx } = context(input);
    await expect(action().handler(ctx)).rejects.toThrow(
      'Cannot promote component:default/payments-api 1.4.0 from dev to staging: gate source-healthy failed: dev is Degraded',
    );
    expect(
      backend.calls.filter(
        c => c.path === '/promotions' && c.method === 'POST',
      ),
    ).toHaveLength(0);
  });

  it('names the field of a 400', async () => {
    backend.failures.set('POST /promotions/preview', {
      status: 400,
      message: 'Invalid body.to: must be one of dev, staging, prod',
    });
    const { ctx } = context({ ...input, to: 'qa' });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: 'to: must be one of dev, staging, prod',
    });
  });

  it('refuses a bad entityRef, naming the field, before any request', async () => {
    const { ctx } = context({ ...input, entityRef: 'component:default/' });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^entityRef: /),
    });
    expect(backend.calls).toEqual([]);
  });

  it('waits until the promotion is synced', async () => {
    backend.laterStates = ['committed', 'committed', 'synced'];
    const { ctx, outputs } = context({ ...input, waitFor: 'synced' });
    await action().handler(ctx);
    expect(outputs()).toMatchObject({ state: 'synced', created: true });
  });

  it('fails the wait when the promotion fails', async () => {
    backend.laterStates = ['committed', 'failed'];
    const { ctx } = context({ ...input, waitFor: 'synced' });
    await expect(action().handler(ctx)).rejects.toThrow(
      /Promotion 22222222-2222-4222-8222-222222222222 of component:default\/payments-api 1.4.0 to staging is failed/,
    );
  });
});
