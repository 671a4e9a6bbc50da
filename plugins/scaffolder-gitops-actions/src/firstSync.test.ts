import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { startFleet, type Fleet } from '@internal/fleet-simulator';
import { createManifestsCreateAction } from './actions/manifestsCreate';
import { readTree, tempWorkspace } from './testUtils/contracts';

/**
 * A freshly scaffolded service's first sync on the simulated fleet, whose Argo CD runs a sync's
 * tasks phase first, then wave (fleet-simulator's syncPlan.ts): the generated layout (the
 * migration a Sync hook in wave 1) syncs; the layout before it (a PreSync hook) fails, its
 * migration waiting for the Secret the wave-0 ExternalSecret creates.
 */
jest.setTimeout(60_000);

const action = createManifestsCreateAction({
  now: () => new Date('2026-11-23T10:00:00.000Z'),
});

const input = (name: string) => ({
  name,
  image: `registry.example.com/${name}`,
  tag: '1.0.0',
  port: 8080,
  owner: 'group:default/payments',
  environments: ['dev'],
  secrets: {
    provider: 'external-secrets',
    keys: ['DATABASE_URL'],
    store: { kind: 'ClusterSecretStore', name: 'vault' },
  },
  migration: { command: ['./migrate', 'up'] },
  repoUrl: 'https://git.example.com/platform/gitops.git',
  targetPath: 'gitops',
  catalogInfoPath: 'service/catalog-info.yaml',
});

async function scaffold(name: string): Promise<Record<string, string>> {
  const workspacePath = tempWorkspace();
  await action.handler(
    createMockActionContext({ workspacePath, input: input(name) }) as any,
  );
  return readTree(path.join(workspacePath, 'gitops'));
}

function push(fleet: Fleet, files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-sync-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Scaffolder',
        GIT_AUTHOR_EMAIL: 'scaffolder@example.com',
        GIT_COMMITTER_NAME: 'Scaffolder',
        GIT_COMMITTER_EMAIL: 'scaffolder@example.com',
      },
    });
  git('clone', '-q', fleet.git.url, '.');
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'scaffold a service');
  git('push', '-q', 'origin', 'main');
  fs.rmSync(dir, { recursive: true, force: true });
}

describe('the first sync of a scaffolded service on the simulated Argo CD', () => {
  let fleet: Fleet;
  let token: string;
  let argo: string;

  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${argo}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** Syncs the dev Application (unless auto-sync already did) and waits for the operation. */
  async function firstSync(name: string) {
    expect(await fleet.control.pollGit()).toBe(true);
    const app = `/api/v1/applications/${name}-dev`;
    expect((await call('GET', app)).status).toBe(200);
    await fleet.clock.advance(1500);
    if (!(await call('GET', app)).body.status.operationState) {
      expect((await call('POST', `${app}/sync`, {})).status).toBe(200);
    }
    await fleet.clock.advance(15_000);
    return (await call('GET', app)).body.status.operationState;
  }

  beforeAll(async () => {
    fleet = await startFleet({
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'first-sync-fleet-')),
      clock: 'manual',
      appsPerInstance: 0,
      tls: false,
      argo: { reconcileIntervalMs: 0 },
    });
    const main = fleet.argo.find(a => a.name === 'argocd-main')!;
    argo = main.url;
    const login = await fetch(`${argo}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: main.username,
        password: main.password,
      }),
    });
    token = ((await login.json()) as { token: string }).token;
  });
  afterAll(() => fleet?.stop());

  it('syncs the generated layout: the migration runs after the wave-0 secret, before the app', async () => {
    const files = await scaffold('orders-api');
    push(fleet, files);
    const op = await firstSync('orders-api');
    expect(op.phase).toBe('Succeeded');
    const order = op.syncResult.resources.map(
      (r: any) => `${r.syncPhase}/${r.kind}/${r.name}`,
    );
    const at = (entry: string) => {
      const i = order.indexOf(entry);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(at('Sync/ExternalSecret/orders-api-secrets')).toBeLessThan(
      at('Sync/Job/orders-api-migrate'),
    );
    expect(at('Sync/Job/orders-api-migrate')).toBeLessThan(
      at('Sync/Deployment/orders-api'),
    );
    const job = op.syncResult.resources.find((r: any) => r.kind === 'Job');
    expect(job).toMatchObject({ hookType: 'Sync', hookPhase: 'Succeeded' });
  });

  it('fails the first sync of the layout before it (a PreSync migration), naming the hook and the secret', async () => {
    const files = await scaffold('refunds-api');
    const job = 'apps/refunds-api/base/migration-job.yaml';
    expect(files[job]).toContain('argocd.argoproj.io/hook: Sync');
    files[job] = files[job].replace(
      'argocd.argoproj.io/hook: Sync',
      'argocd.argoproj.io/hook: PreSync',
    );
    push(fleet, files);
    const first = await firstSync('refunds-api');
    // The Application retries (syncPolicy.retry: limit 5, 5 s doubling): every attempt fails.
    expect(first.phase).toBe('Running');
    expect(first.message).toMatch(
      /^Retrying attempt #\d at \d\d:\d\d:\d\d: .*PreSync hook Job\/refunds-api-migrate failed$/,
    );
    await fleet.clock.advance(400_000);
    const op = (await call('GET', '/api/v1/applications/refunds-api-dev')).body
      .status.operationState;
    expect(op.phase).toBe('Failed');
    expect(op.retryCount).toBe(5);
    expect(op.message).toContain('PreSync hook Job/refunds-api-migrate');
    expect(op.syncResult.resources).toEqual([
      expect.objectContaining({
        kind: 'Job',
        name: 'refunds-api-migrate',
        hookType: 'PreSync',
        hookPhase: 'Failed',
        status: 'SyncFailed',
        message: expect.stringContaining(
          'secret "refunds-api-secrets" not found',
        ),
      }),
    ]);
  });
});
