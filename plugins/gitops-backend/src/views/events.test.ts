import type { EntityEvents } from '@internal/backstage-plugin-gitops-common';
import request from 'supertest';
import { useFleetBackend, waitFor } from '../__testUtils__/fleetBackend';

jest.setTimeout(60_000);

const EVENTS = '/api/gitops/entities/component/default/payments-api/events';

describe('GET …/events against the simulated Argo CD', () => {
  const env = useFleetBackend();

  const get = (path: string) => request(env.backend.server).get(path);

  it("serves an application's events newest first, then from its cache", async () => {
    const prod = env.fleet.internals.instances[1];
    await prod.startSync(prod.apps.get('payments-api-prod')!, {
      initiatedBy: { username: 'alice' },
    });
    await env.fleet.clock.advance(20_000);
    const path = `${EVENTS}?application=argocd-prod/payments-api-prod`;
    let body: EntityEvents | undefined;
    // The store hears of the sync through the stream: wait until its version moved.
    await waitFor(async () => {
      body = (await get(path)).body as EntityEvents;
      return (body.applications[0]?.events ?? []).some(e =>
        /succeeded/.test(e.message),
      );
    });
    expect(body!.applications.map(a => a.name)).toEqual(['payments-api-prod']);
    const events = body!.applications[0].events;
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'Normal',
        reason: 'OperationStarted',
        message: expect.stringMatching(/^alice initiated sync to /),
        count: 1,
        object: 'Application/payments-api-prod',
      }),
    );
    const seen = events.map(e => e.lastSeen ?? '');
    expect([...seen].sort().reverse()).toEqual(seen);

    env.fleet.control.resetCounts();
    expect((await get(path)).status).toBe(200);
    const argoCalls = Object.values(env.fleet.control.counts().argo).flatMap(
      c => Object.entries(c).filter(([route]) => route.includes('/events')),
    );
    expect(argoCalls).toEqual([]);
  });

  it('answers every application of the entity without a filter, and 400 naming a bad one', async () => {
    const all = (await get(EVENTS)).body as EntityEvents;
    expect(all.applications.map(a => a.environment).sort()).toEqual([
      'dev',
      'prod',
      'staging',
    ]);
    const bad = await get(`${EVENTS}?application=no-slash`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query.application');
  });

  it("lists a degraded application's unhealthy resources, worst first, with their health messages", async () => {
    env.fleet.control.resetCounts();
    const res = await request(env.backend.server).get(
      '/api/gitops/entities/component/default/chores-api/events?application=argocd-main/chores-api-staging',
    );
    expect(res.status).toBe(200);
    const [app] = (res.body as EntityEvents).applications;
    expect(app.unhealthy?.[0]).toMatchObject({
      kind: 'Deployment',
      health: 'Degraded',
    });
    expect(app.unhealthy).toContainEqual(
      expect.objectContaining({
        kind: 'Pod',
        health: 'Degraded',
        message: 'Back-off pulling image',
      }),
    );
    // The kubelet says why: the image cannot be pulled.
    expect(app.events).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'Failed',
        message: expect.stringMatching(/^Failed to pull image /),
        object: expect.stringMatching(/^Pod\/chores-api-/),
      }),
    );
    // The application's own events and those of its unhealthy Pods (as Argo CD's endpoint
    // takes them: resourceName, resourceNamespace, resourceUID).
    const calls = Object.values(env.fleet.control.counts().argo)
      .flatMap(c => Object.entries(c))
      .filter(([route]) => route.includes('/events'))
      .reduce((sum, [, n]) => sum + Number(n), 0);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
