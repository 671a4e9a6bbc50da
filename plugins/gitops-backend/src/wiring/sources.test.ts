import type { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import { parseGitopsConfig } from '../config';
import { systemClock } from '../util/clock';
import type { buildSources as BuildSources } from './sources';

// Whether the Velero source's Kubernetes client was loaded: its module factory runs on the
// first require only (the module itself is the real one).
let clientNodeLoaded = false;
jest.mock('@kubernetes/client-node', () => {
  clientNodeLoaded = true;
  return jest.requireActual('@kubernetes/client-node');
});

/** A fresh module registry, so loading this file's imports counts too. */
const build = (gitops: JsonObject) => {
  jest.resetModules();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSources } = require('./sources') as {
    buildSources: typeof BuildSources;
  };
  return buildSources({
    config: parseGitopsConfig(gitops),
    rootConfig: mockServices.rootConfig({ data: { gitops } }),
    added: { deployments: [], costs: [], backups: [] },
    clock: systemClock,
    logger: mockServices.logger.mock(),
  });
};

describe('buildSources', () => {
  it('loads @kubernetes/client-node only once a configured Velero cluster is read', async () => {
    clientNodeLoaded = false;
    const without = await build({});
    expect(without.backups).toEqual([]);
    expect(clientNodeLoaded).toBe(false);

    clientNodeLoaded = false;
    const withVelero = await build({
      velero: {
        clusters: [{ name: 'main', url: 'https://127.0.0.1:6443', token: 't' }],
      },
    });
    expect(withVelero.backups.map(b => b.cluster)).toEqual(['main']);
    expect(clientNodeLoaded).toBe(false);
    // Its informers start (and stop at once: the signal is aborted) on the real client.
    const stopped = new AbortController();
    stopped.abort();
    await withVelero.backups[0].run(
      { set: jest.fn(), setStatus: jest.fn() },
      stopped.signal,
    );
    expect(clientNodeLoaded).toBe(true);
    await Promise.all([without.close(), withVelero.close()]);
  });
});
