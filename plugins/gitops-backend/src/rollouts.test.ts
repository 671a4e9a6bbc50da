import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type {
  ApplicationRollouts,
  EntityRollouts,
  RolloutActionResponse,
  RolloutStatus,
} from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import {
  OWNER,
  STRANGER,
  startGitopsBackend,
  startTestFleet,
  waitFor,
  type GitopsTestBackend,
} from './__testUtils__/fleetBackend';

jest.setTimeout(90_000);

const base = '/api/gitops/entities/component/default/schedule-bot';
const DEV = 'argocd-main/schedule-bot-dev';
const action = (name: string, app = 'schedule-bot-dev', ns = app) =>
  `${base}/applications/argocd-main/${app}/rollouts/${ns}/schedule-bot/${name}`;
const RESOURCE_READ = 'GET /api/v1/applications/:name/resource';
const ACTION_RUN = 'POST /api/v1/applications/:name/resource/actions/v2';

describe('Argo Rollouts canaries against the simulated fleet', () => {
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

  const argoCounts = () => fleet.control.counts().argo['argocd-main'] ?? {};
  const get = async (application = DEV) => {
    const res = await request(backend.server).get(
      `${base}/rollouts${application ? `?application=${application}` : ''}`,
    );
    expect(res.status).toBe(200);
    return res.body as EntityRollouts;
  };
  const devRollout = async (): Promise<RolloutStatus | undefined> =>
    (await get()).applications[0]?.rollouts[0];
  const post = (path: string, user = OWNER) =>
    request(backend.server)
      .post(path)
      .set('authorization', mockCredentials.user.header(user))
      .send({});
  const secrets = () =>
    fleet.argo.flatMap(a => [a.token, a.password]).filter(Boolean);

  it('shows the dev canary paused at step 1 with 20% set, staging and prod fully promoted', async () => {
    const all = await get('');
    expect(all.entityRef).toBe('component:default/schedule-bot');
    const byEnv: Record<string, ApplicationRollouts> = Object.fromEntries(
      all.applications.map(a => [a.environment, a]),
    );
    expect(byEnv.dev.error).toBeUndefined();
    const [dev] = byEnv.dev.rollouts;
    expect(dev).toMatchObject({
      name: 'schedule-bot',
      strategy: 'canary',
      health: 'Suspended',
      healthMessage: 'CanaryPauseStep',
      currentStepIndex: 1,
      setWeight: 20,
      paused: true,
      aborted: false,
      stableImage: expect.stringMatching(/:0\.8\.5$/),
      canaryImage: expect.stringMatching(/:0\.9\.0$/),
      analysisRuns: [],
      actions: [
        { name: 'promote', disabled: false },
        { name: 'abort', disabled: false },
      ],
    });
    expect(dev.steps.map(s => s.label)).toEqual([
      'Set weight 20%',
      'Pause until promoted',
      'Set weight 50%',
      'Analysis schedule-bot-smoke',
      'Pause 10m',
    ]);
    for (const env of ['staging', 'prod']) {
      expect(byEnv[env].rollouts[0]).toMatchObject({
        health: 'Healthy',
        paused: false,
        setWeight: 100,
        stableImage: expect.stringMatching(/:0\.8\.5$/),
        actions: [
          { name: 'promote', disabled: true },
          { name: 'abort', disabled: true },
        ],
      });
    }
  });

  it('serves a second read from its cache, without asking Argo CD', async () => {
    await get();
    fleet.control.resetCounts();
    expect(await devRollout()).toMatchObject({ currentStepIndex: 1 });
    expect(argoCounts()[RESOURCE_READ]).toBeUndefined();
  });

  it('refuses a non-owner (403), audits the refusal and asks Argo CD nothing', async () => {
    fleet.control.resetCounts();
    auditor.createEvent.mockClear();
    const res = await post(action('promote'), STRANGER);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Not allowed to promote rollouts of component:default/schedule-bot',
    );
    const event = await auditor.createEvent.mock.results[0].value;
    expect(event.fail).toHaveBeenCalled();
    expect(argoCounts()[ACTION_RUN]).toBeUndefined();
  });

  it('answers 404 for a Rollout the application does not manage, and 400 for an unknown action', async () => {
    const other = await post(
      `${base}/applications/argocd-main/schedule-bot-dev/rollouts/schedule-bot-dev/payments-api/promote`,
    );
    expect(other.status).toBe(404);
    const bad = await post(action('restart'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid path\.action: /);
    const body = await request(backend.server)
      .post(action('promote'))
      .set('authorization', mockCredentials.user.header(OWNER))
      .send({ full: true });
    expect(body.status).toBe(400);
  });

  it('answers 409 for a promote the Rollout does not offer now, asking Argo CD to run nothing', async () => {
    fleet.control.resetCounts();
    // prod is fully promoted: Argo CD would run resume as a no-op and answer 200.
    const res = await post(
      `${base}/applications/argocd-prod/schedule-bot-prod/rollouts/schedule-bot-prod/schedule-bot/promote`,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      'Rollout schedule-bot-prod/schedule-bot cannot be promoted now: it is not paused',
    );
    expect(
      fleet.control.counts().argo['argocd-prod']?.[ACTION_RUN],
    ).toBeUndefined();
    for (const secret of secrets()) {
      expect(JSON.stringify(res.body)).not.toContain(secret);
    }
  });

  it('promotes for an owner: audited, resumed in Argo CD, then steps on to the analysis and its pause', async () => {
    fleet.control.resetCounts();
    auditor.createEvent.mockClear();
    const res = await post(action('promote'));
    expect(res.status).toBe(200);
    const { rollout } = res.body as RolloutActionResponse;
    expect(rollout.name).toBe('schedule-bot');
    expect(rollout.currentStepIndex).toBeGreaterThanOrEqual(1);
    expect(argoCounts()[ACTION_RUN]).toBe(1);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'rollout-action',
        meta: expect.objectContaining({
          action: 'promote',
          instance: 'argocd-main',
          application: 'schedule-bot-dev',
          rollout: 'schedule-bot-dev/schedule-bot',
        }),
      }),
    );
    const event = await auditor.createEvent.mock.results[0].value;
    expect(event.success).toHaveBeenCalled();

    // The controller moves on with the simulated clock; the stream's events drop what was kept.
    await fleet.clock.advance(5_000);
    await waitFor(
      async () => ((await devRollout())?.currentStepIndex ?? 0) >= 2,
      20_000,
      'the canary to pass its pause',
    );
    await fleet.clock.advance(60_000);
    let last: RolloutStatus | undefined;
    await waitFor(
      async () => {
        last = await devRollout();
        return last?.currentStepIndex === 4;
      },
      20_000,
      'the analysis to succeed',
    );
    expect(last).toMatchObject({
      setWeight: 50,
      paused: true,
      analysisRuns: [
        expect.objectContaining({
          phase: 'Successful',
          metrics: [expect.objectContaining({ phase: 'Successful' })],
        }),
      ],
    });
  });

  it('aborts for an owner: the canary goes back to stable, Degraded', async () => {
    const res = await post(action('abort'));
    expect(res.status).toBe(200);
    expect((res.body as RolloutActionResponse).rollout.aborted).toBe(true);
    await fleet.clock.advance(5_000);
    await waitFor(
      async () => {
        const r = await devRollout();
        return Boolean(r?.aborted && r.health === 'Degraded');
      },
      20_000,
      'the aborted canary to be Degraded',
    );
    expect(await devRollout()).toMatchObject({
      setWeight: 0,
      actions: [
        { name: 'promote', disabled: true },
        { name: 'abort', disabled: true },
      ],
    });
    for (const secret of secrets()) {
      expect(backend.logs.join('\n')).not.toContain(secret);
    }
  });

  it('answers 400 naming a bad filter and 404 for an unknown entity', async () => {
    const bad = await request(backend.server).get(
      `${base}/rollouts?application=nope`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query.application');
    const unknown = await request(backend.server).get(
      '/api/gitops/entities/component/default/nope/rollouts',
    );
    expect(unknown.status).toBe(404);
  });
});
