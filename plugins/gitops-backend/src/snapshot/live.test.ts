import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import request from 'supertest';
import {
  startGitopsBackend,
  startTestFleet,
} from '../__testUtils__/fleetBackend';

// Real servers (the simulated fleet) on a shared 2-core machine: generous timeouts.
jest.setTimeout(60_000);

const OVERVIEW = '/api/gitops/entities/component/default/payments-api/overview';

async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('live updates from the Argo CD application stream', () => {
  it('applies stream events to the snapshot and signals the entity, without a list call', async () => {
    const { fleet, cleanup } = await startTestFleet();
    const backend = await startGitopsBackend({
      fleet,
      gitops: g => ({ ...g, argocd: { ...g.argocd, watch: true } }),
    });
    try {
      await request(backend.server).get(OVERVIEW);
      // Let the stream connect and replay its initial ADDED events.
      await waitFor(async () =>
        (fleet.control.counts().argo['argocd-prod'][
          'GET /api/v1/stream/applications'
        ] ?? 0) > 0
          ? true
          : undefined,
      );
      await new Promise(r => setTimeout(r, 400));
      fleet.control.resetCounts();
      backend.signals.length = 0;

      const instance = fleet.internals.instances[1];
      await instance.startSync(instance.apps.get('payments-api-prod')!, {
        initiatedBy: { username: 'someone' },
      });

      const running = await waitFor(async () => {
        const body = (await request(backend.server).get(OVERVIEW))
          .body as EntityOverview;
        const prod = body.environments.find(e => e.name === 'prod');
        return prod?.applications[0].operation?.phase === 'Running'
          ? prod
          : undefined;
      });
      expect(running.applications[0].operation?.initiatedBy).toBe('someone');
      expect(backend.signals.map(s => s.channel)).toContain(
        'gitops:component:default/payments-api',
      );
      expect(
        fleet.control.counts().argo['argocd-prod']['GET /api/v1/applications'],
      ).toBeUndefined();
    } finally {
      await backend.stop();
      await cleanup();
    }
  });

  it('re-lists a Velero cluster when its objects change', async () => {
    const { fleet, cleanup } = await startTestFleet();
    const backend = await startGitopsBackend({
      fleet,
      gitops: g => ({ ...g, velero: { ...g.velero, watch: true } }),
    });
    try {
      // Three lists at start-up, then three watches.
      await waitFor(async () =>
        Object.values(fleet.control.counts().kube['cluster-prod']).reduce(
          (a, b) => a + b,
          0,
        ) >= 6
          ? true
          : undefined,
      );
      await new Promise(r => setTimeout(r, 500));
      fleet.control.setBackupLocationAvailable('cluster-prod', false);
      const prod = await waitFor(async () => {
        const body = (await request(backend.server).get(OVERVIEW))
          .body as EntityOverview;
        const env = body.environments.find(e => e.name === 'prod');
        return env?.backup?.unavailableLocations.length ? env : undefined;
      });
      expect(prod.backup?.unavailableLocations).toEqual(['default']);
    } finally {
      await backend.stop();
      await cleanup();
    }
  });
});
