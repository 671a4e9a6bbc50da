import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type {
  ApplicationActionResponse,
  EntityOverview,
} from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import {
  OWNER,
  STRANGER,
  startGitopsBackend,
  startTestFleet,
  type GitopsTestBackend,
} from './__testUtils__/fleetBackend';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

const base = '/api/gitops/entities/component/default';

describe('application actions are permission-checked, audited and update the store', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;
  const auditor = mockServices.auditor.mock();

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    backend = await startGitopsBackend({ fleet, auditor });
  });
  afterAll(async () => {
    await backend.stop();
    await cleanup();
  });
  afterEach(async () => {
    // Let running operations finish so the next action is not refused by Argo CD.
    await fleet.clock.advance(20_000);
  });

  const historyId = (app: string) => {
    const instance = fleet.internals.instances.find(i => i.apps.has(app))!;
    const history = instance.apps.get(app)!.obj.status.history as Array<{
      id: number;
    }>;
    return history[0].id;
  };

  const CASES: Array<{
    action: 'sync' | 'refresh' | 'rollback';
    entity: string;
    instance: string;
    app: string;
  }> = [
    {
      action: 'sync',
      entity: 'payments-api',
      instance: 'argocd-prod',
      app: 'payments-api-prod',
    },
    {
      action: 'refresh',
      entity: 'payments-api',
      instance: 'argocd-main',
      app: 'payments-api-dev',
    },
    {
      action: 'rollback',
      entity: 'chores-api',
      instance: 'argocd-prod',
      app: 'chores-api-prod',
    },
  ];

  const post = (c: (typeof CASES)[number], user: string) =>
    request(backend.server)
      .post(
        `${base}/${c.entity}/applications/${c.instance}/${c.app}/${c.action}`,
      )
      .set('authorization', mockCredentials.user.header(user))
      .send(c.action === 'rollback' ? { id: historyId(c.app) } : {});

  it.each(CASES)(
    '$action is denied (403) to a non-owner, and the refusal audited',
    async c => {
      fleet.control.resetCounts();
      auditor.createEvent.mockClear();
      const res = await post(c, STRANGER);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      const event = await auditor.createEvent.mock.results[0].value;
      expect(event.fail).toHaveBeenCalledWith({
        error: expect.objectContaining({ name: 'NotAllowedError' }),
      });
      // Nothing reached Argo CD.
      const calls = Object.values(fleet.control.counts().argo).flatMap(x =>
        Object.keys(x),
      );
      expect(calls.filter(k => k.startsWith('POST'))).toEqual([]);
    },
  );

  it.each(CASES)('$action is allowed to the owner and audited', async c => {
    auditor.createEvent.mockClear();
    const res = await post(c, OWNER);
    expect(res.status).toBe(200);
    const body = res.body as ApplicationActionResponse;
    expect(body.application).toMatchObject({
      instance: c.instance,
      name: c.app,
    });
    // Sync and rollback start an operation; refresh only re-reads the app.
    expect(body.application.operation?.phase).toBe(
      c.action === 'refresh' ? 'Succeeded' : 'Running',
    );
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'application-action',
        severityLevel: 'medium',
        meta: expect.objectContaining({
          action: c.action,
          entityRef: `component:default/${c.entity}`,
          instance: c.instance,
          application: c.app,
        }),
      }),
    );
    const event = await auditor.createEvent.mock.results[0].value;
    expect(event.success).toHaveBeenCalled();
  });

  it('updates the store and signals the entity before the answer of a sync', async () => {
    backend.signals.length = 0;
    const c = CASES[0];
    expect((await post(c, OWNER)).status).toBe(200);
    const overview = (
      await request(backend.server).get(`${base}/payments-api/overview`)
    ).body as EntityOverview;
    const prod = overview.environments.find(e => e.name === 'prod')!;
    expect(prod.applications[0].operation?.phase).toBe('Running');
    expect(backend.signals.map(s => s.channel)).toContain(
      'gitops:component:default/payments-api',
    );
  });

  it.each([
    { action: 'sync', body: { force: true }, field: 'force' },
    { action: 'refresh', body: { hard: true }, field: 'hard' },
    { action: 'rollback', body: { id: 1, dryRun: true }, field: 'dryRun' },
  ])(
    '$action refuses an unknown body field (400 naming it) before anything runs',
    async ({ action, body, field }) => {
      fleet.control.resetCounts();
      auditor.createEvent.mockClear();
      const res = await request(backend.server)
        .post(
          `${base}/payments-api/applications/argocd-prod/payments-api-prod/${action}`,
        )
        .set('authorization', mockCredentials.user.header(OWNER))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        `Invalid body.${field}: unknown field`,
      );
      expect(auditor.createEvent).not.toHaveBeenCalled();
      const calls = Object.values(fleet.control.counts().argo).flatMap(x =>
        Object.keys(x),
      );
      expect(calls.filter(k => k.startsWith('POST'))).toEqual([]);
    },
  );

  it('answers 404 for an application of another entity', async () => {
    const res = await request(backend.server)
      .post(
        `${base}/payments-api/applications/argocd-prod/chores-api-prod/sync`,
      )
      .set('authorization', mockCredentials.user.header(OWNER));
    expect(res.status).toBe(404);
  });

  it("answers 409 with Argo CD's reason when it refuses, and audits the failure", async () => {
    auditor.createEvent.mockClear();
    const res = await request(backend.server)
      .post(
        `${base}/payments-api/applications/argocd-main/payments-api-dev/rollback`,
      )
      .set('authorization', mockCredentials.user.header(OWNER))
      .send({ id: historyId('payments-api-dev') });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('auto-sync');
    const event = await auditor.createEvent.mock.results[0].value;
    expect(event.fail).toHaveBeenCalled();
  });

  it('answers 503, not 500, when the instance is down', async () => {
    await fleet.control.setFault('argocd-prod', { down: true });
    const res = await post(CASES[0], OWNER);
    await fleet.control.clearFaults();
    expect(res.status).toBe(503);
  });
});
