import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { component } from './__testUtils__/promotionTestUtils';
import {
  appRunsVersion,
  evaluateGates,
  imageTag,
  smokeGate,
  sourceHealthyGate,
} from './gates';
import { promotionSettings } from './policy';
import type { AppState } from './types';

const entity = component('payments-api');
const app = (patch: Partial<AppState> = {}): AppState => ({
  name: 'payments-api-staging',
  sync: 'Synced',
  health: 'Healthy',
  images: ['registry.example.com/payments-api:1.4.0'],
  ...patch,
});

describe('gates', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url?.startsWith('/ok')) res.end('ok');
      else if (req.url?.startsWith('/hang')) return; // never answers
      else {
        res.statusCode = 503;
        res.end('down');
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });

  it('reads image tags', () => {
    expect(imageTag('registry.example.com/payments-api:1.4.0')).toBe('1.4.0');
    expect(imageTag('localhost:5000/x/y:2.0@sha256:abc')).toBe('2.0');
    expect(imageTag('localhost:5000/x/y')).toBeUndefined();
    expect(appRunsVersion(app(), '1.4.0')).toBe(true);
    expect(appRunsVersion(app({ health: 'Progressing' }), '1.4.0')).toBe(false);
  });

  it('passes the source gate only when every app of the source runs the version Synced + Healthy', async () => {
    const gate = (apps: AppState[] | undefined) =>
      sourceHealthyGate({
        entity,
        entityRef: 'component:default/payments-api',
        from: 'staging',
        version: '1.4.0',
        appStates: async () => apps,
      });
    expect((await gate([app()])).status).toBe('passed');
    expect(
      await gate([
        app(),
        app({ name: 'b', sync: 'OutOfSync', images: ['x:1.3.0'] }),
      ]),
    ).toEqual({
      gate: 'source-healthy',
      status: 'failed',
      message:
        'staging must run 1.4.0 Synced and Healthy: b is OutOfSync/Healthy running 1.3.0',
    });
    expect((await gate([])).message).toBe(
      'no application of component:default/payments-api found in staging',
    );
    expect((await gate(undefined)).status).toBe('failed');
    expect(
      (
        await sourceHealthyGate({
          entity,
          entityRef: 'x',
          from: 'staging',
          version: '1',
          appStates: undefined,
        })
      ).status,
    ).toBe('failed');
  });

  it('runs the smoke check: 2xx passes, anything else, a timeout or no answer fails', async () => {
    const check = (path: string, timeoutMs = 2000) =>
      smokeGate({
        check: { url: `${base}${path}`, timeoutMs },
        vars: {
          service: 'payments-api',
          version: '1.4.0',
          from: 'staging',
          to: 'prod',
        },
      });
    expect(await check('/ok/{service}/{from}?v={version}')).toEqual({
      gate: 'smoke',
      status: 'passed',
      message: `${base}/ok/payments-api/staging answered 200`,
    });
    expect(seen).toContain('/ok/payments-api/staging?v=1.4.0');
    expect((await check('/fail')).message).toBe(
      `${base}/fail answered 503, expected 2xx`,
    );
    const started = Date.now();
    expect((await check('/hang', 200)).message).toBe(
      `${base}/hang did not answer within 200 ms`,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(
      (
        await smokeGate({
          check: { url: 'http://127.0.0.1:1/x', timeoutMs: 1000 },
          vars: {},
        })
      ).message,
    ).toBe('http://127.0.0.1:1/x could not be reached');
  });

  it('evaluates the policy of the target: prod needs an approval and may need a smoke check', async () => {
    const settings = promotionSettings({
      environments: { prod: { smokeCheck: { url: `${base}/ok/{service}` } } },
    });
    expect(settings.policies.dev).toMatchObject({
      mode: 'commit',
      approval: false,
    });
    expect(settings.policies.staging).toMatchObject({
      mode: 'commit',
      approval: false,
    });
    expect(settings.policies.prod).toMatchObject({
      mode: 'pull-request',
      approval: true,
      smokeCheck: { timeoutMs: 5000 },
    });
    const gates = await evaluateGates({
      entity,
      entityRef: 'component:default/payments-api',
      kind: 'promotion',
      from: 'staging',
      to: 'prod',
      version: '1.4.0',
      requester: 'user:default/alice',
      policy: settings.policies.prod,
      appStates: async () => [app()],
    });
    expect(gates.map(g => `${g.gate}:${g.status}`)).toEqual([
      'source-healthy:passed',
      'smoke:passed',
      'approval:pending',
    ]);
    const rollback = await evaluateGates({
      entity,
      entityRef: 'component:default/payments-api',
      kind: 'rollback',
      from: 'prod',
      to: 'prod',
      version: '1.3.0',
      requester: 'user:default/alice',
      approver: 'user:default/bob',
      policy: settings.policies.prod,
    });
    expect(rollback.map(g => `${g.gate}:${g.status}`)).toEqual([
      'source-healthy:skipped',
      'smoke:passed',
      'approval:passed',
    ]);
  });

  it('refuses invalid promotion config, naming the key', () => {
    expect(() =>
      promotionSettings({ environments: { qa: { approval: true } } }),
    ).toThrow(
      'gitops.promotion.environments.qa: not one of gitops.environments (dev, staging, prod)',
    );
    expect(() =>
      promotionSettings({ environments: { prod: { mode: 'merge' } } }),
    ).toThrow(/gitops\.promotion\.environments\.prod\.mode/);
    expect(
      promotionSettings({}, { environments: ['a', 'b'] }).policies.b.mode,
    ).toBe('pull-request');
    expect(() =>
      promotionSettings({
        environments: { prod: { mode: 'commit', approval: true } },
      }),
    ).toThrow(
      'gitops.promotion.environments.prod: an approval needs mode pull-request',
    );
    // prod as a direct commit drops the default approval; staging with an approval gets a PR.
    const relaxed = promotionSettings({
      environments: { prod: { mode: 'commit' }, staging: { approval: true } },
    });
    expect(relaxed.policies.prod).toMatchObject({
      mode: 'commit',
      approval: false,
    });
    expect(relaxed.policies.staging).toMatchObject({
      mode: 'pull-request',
      approval: true,
    });
  });
});
