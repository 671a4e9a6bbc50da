import {
  ABORTED_CANARY,
  BLUE_GREEN,
  PAUSED_CANARY,
  PROMOTED_CANARY,
  STABLE_REPLICA_SET,
  analysisRun,
  canaryRollout,
} from './__fixtures__/rolloutManifests';
import { durationSeconds, rolloutStatus } from './rolloutStatus';

describe('rolloutStatus', () => {
  it('shows a canary paused at its first pause: step 1, 20% set, promote and abort offered', () => {
    const status = rolloutStatus({
      rollout: PAUSED_CANARY,
      stableReplicaSet: STABLE_REPLICA_SET,
      node: { health: 'Suspended', healthMessage: 'Rollout is paused' },
    });
    expect(status).toEqual({
      namespace: 'schedule-bot-dev',
      name: 'schedule-bot',
      strategy: 'canary',
      phase: 'Paused',
      message: 'CanaryPauseStep',
      health: 'Suspended',
      healthMessage: 'Rollout is paused',
      steps: [
        { type: 'setWeight', label: 'Set weight 20%', weight: 20 },
        { type: 'pause', label: 'Pause until promoted' },
        { type: 'setWeight', label: 'Set weight 50%', weight: 50 },
        { type: 'analysis', label: 'Analysis schedule-bot-smoke' },
        { type: 'pause', label: 'Pause 10m', pauseSeconds: 600 },
      ],
      currentStepIndex: 1,
      setWeight: 20,
      actualWeight: 20,
      paused: true,
      pauseReason: 'CanaryPauseStep',
      pausedSince: '2025-01-02T10:00:00Z',
      aborted: false,
      stableImage: 'ghcr.io/acme/schedule-bot:0.8.5',
      canaryImage: 'ghcr.io/acme/schedule-bot:0.9.0',
      analysisRuns: [],
      actions: [
        { name: 'promote', disabled: false },
        { name: 'abort', disabled: false },
      ],
    });
  });

  it('shows a fully promoted canary at 100% with nothing to do', () => {
    const status = rolloutStatus({ rollout: PROMOTED_CANARY });
    expect(status).toMatchObject({
      currentStepIndex: 5,
      setWeight: 100,
      actualWeight: 100,
      paused: false,
      aborted: false,
      stableImage: 'ghcr.io/acme/schedule-bot:0.8.5',
      actions: [
        { name: 'promote', disabled: true },
        { name: 'abort', disabled: true },
      ],
    });
    expect(status.canaryImage).toBeUndefined();
  });

  it('shows an aborted canary at 0% with its failed analysis, newest run first', () => {
    const status = rolloutStatus({
      rollout: ABORTED_CANARY,
      analysisRuns: [
        analysisRun(
          'schedule-bot-7d9f-2-3',
          'Successful',
          '2025-01-01T10:00:00Z',
          {
            phase: 'Successful',
          },
        ),
        analysisRun('schedule-bot-9aa1-3-3', 'Failed', '2025-01-02T10:04:00Z', {
          phase: 'Failed',
          message: 'smoke test answered 500',
        }),
      ],
      node: { health: 'Degraded' },
    });
    expect(status).toMatchObject({
      aborted: true,
      paused: false,
      setWeight: 0,
      actualWeight: 0,
      health: 'Degraded',
      message: expect.stringMatching(/^RolloutAborted: /),
      canaryImage: 'ghcr.io/acme/schedule-bot:0.9.0-bad',
      actions: [
        { name: 'promote', disabled: true },
        { name: 'abort', disabled: true },
      ],
    });
    expect(status.analysisRuns).toEqual([
      {
        name: 'schedule-bot-9aa1-3-3',
        phase: 'Failed',
        startedAt: '2025-01-02T10:04:00Z',
        metrics: [
          {
            name: 'smoke',
            phase: 'Failed',
            message: 'smoke test answered 500',
          },
        ],
      },
      {
        name: 'schedule-bot-7d9f-2-3',
        phase: 'Successful',
        startedAt: '2025-01-01T10:00:00Z',
        metrics: [{ name: 'smoke', phase: 'Successful' }],
      },
    ]);
  });

  it('shows a blue-green waiting for promotion: no steps, no weights', () => {
    const status = rolloutStatus({ rollout: BLUE_GREEN });
    expect(status).toMatchObject({
      name: 'checkout',
      strategy: 'blueGreen',
      steps: [],
      paused: true,
      pauseReason: 'BlueGreenPause',
      canaryImage: 'ghcr.io/acme/schedule-bot:2.0.0',
      actions: [
        { name: 'promote', disabled: false },
        { name: 'abort', disabled: false },
      ],
    });
    expect(status.currentStepIndex).toBeUndefined();
    expect(status.setWeight).toBeUndefined();
    expect(status.actualWeight).toBeUndefined();
  });

  it('takes a Rollout without analysis, without status, and with steps it does not know', () => {
    const status = rolloutStatus({
      rollout: canaryRollout(undefined as any, '1.0.0', [
        { setWeight: 10 },
        { pause: { duration: 30 } },
        { setCanaryScale: { replicas: 2 } },
        { experiment: { templates: [{ name: 'baseline' }] } },
        { trafficShift: { to: 'eu' } },
      ]),
    });
    expect(status.analysisRuns).toEqual([]);
    expect(status.steps.map(s => s.label)).toEqual([
      'Set weight 10%',
      'Pause 30s',
      'Set canary scale 2 replicas',
      'Experiment baseline',
      'trafficShift',
    ]);
    expect(status).toMatchObject({
      currentStepIndex: 0,
      setWeight: 10,
      paused: false,
    });
  });

  it('counts spec.paused as paused', () => {
    const rollout = {
      ...PAUSED_CANARY,
      spec: { ...PAUSED_CANARY.spec, paused: true },
    };
    (rollout as any).status = {
      ...PAUSED_CANARY.status,
      pauseConditions: [],
      controllerPause: false,
    };
    expect(rolloutStatus({ rollout })).toMatchObject({ paused: true });
  });

  it('names the field of a manifest that is not a Rollout', () => {
    expect(() => rolloutStatus({ rollout: { metadata: { name: 3 } } })).toThrow(
      /^Rollout is not a valid object at metadata\.name: .*expected string, received number/,
    );
    expect(() =>
      rolloutStatus({
        rollout: canaryRollout({ currentStepIndex: 'two' }),
      }),
    ).toThrow(/^Rollout is not a valid object at status\.currentStepIndex: /);
  });
});

describe('durationSeconds', () => {
  it.each([
    [30, 30],
    ['30', 30],
    ['45s', 45],
    ['10m', 600],
    ['1h30m', 5400],
    ['soon', undefined],
    ['10x', undefined],
  ])('%p is %p seconds', (value, seconds) => {
    expect(durationSeconds(value)).toBe(seconds);
  });
});
