import type {
  BackupClusterData,
  SourceState,
} from '@internal/backstage-plugin-gitops-node';
import type { Fleet } from '@internal/fleet-simulator';
import {
  capturingLogger,
  startTestFleet,
  waitFor,
} from '../../__testUtils__/fleetBackend';
import { parseGitopsConfig } from '../../config';
import { VeleroSource } from './VeleroSource';
import { veleroTls } from './veleroTls';

// The simulated Kubernetes API over HTTPS (the fleet's throwaway CA).
jest.setTimeout(60_000);

describe('VeleroSource by url and token against an HTTPS API server', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet({ tls: true }));
  });
  afterAll(() => cleanup());

  /** Runs cluster-prod's source with the given TLS keys until it is ok or has failed. */
  async function read(tls: Record<string, unknown>) {
    const k = fleet.kube[1];
    const config = parseGitopsConfig({
      velero: {
        clusters: [{ name: k.cluster, url: k.url, token: k.token, ...tls }],
      },
    }).velero.clusters[0];
    const source = new VeleroSource(config, {
      logger: capturingLogger([]),
      retryMs: { min: 50, max: 200 },
      batchMs: 10,
      tls: veleroTls(config, 0),
    });
    const seen: BackupClusterData[] = [];
    const states: SourceState[] = [];
    const controller = new AbortController();
    const done = source.run(
      { set: d => seen.push(d), setStatus: s => states.push(s) },
      controller.signal,
    );
    await waitFor(
      () => states.some(s => s.state === 'ok' || s.error),
      10_000,
      'a first state',
    );
    controller.abort();
    await done;
    return { seen, states };
  }

  it('reads the cluster with caCert, caFile or insecureSkipTLSVerify', async () => {
    for (const tls of [
      { caCert: fleet.tls!.caCert },
      { caFile: fleet.tls!.caFile },
      { insecureSkipTLSVerify: true },
      { skipTLSVerify: true },
    ]) {
      const { seen, states } = await read(tls);
      expect(states[states.length - 1]).toEqual({ state: 'ok' });
      expect(seen[seen.length - 1].schedules.length).toBeGreaterThan(0);
    }
  });

  it('without a CA, says which certificate failed and which key to set, without the token', async () => {
    const { states, seen } = await read({});
    expect(seen).toEqual([]);
    expect(states[states.length - 1]).toEqual({
      state: 'error',
      error:
        'self-signed certificate in certificate chain for cluster-prod: set gitops.velero.clusters[0].caCert (or caFile)',
    });
    expect(JSON.stringify(states)).not.toContain(fleet.kube[1].token);
  });
});
