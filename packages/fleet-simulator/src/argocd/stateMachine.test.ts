import fs from 'node:fs/promises';
import path from 'node:path';
import { startFleet, Fleet } from '../fleet';
import {
  argoClient,
  commitToFleet,
  replaceInFile,
  stopAndClean,
  tempDir,
} from '../testUtils';

jest.setTimeout(30_000);

const image = (app: any) => app.status.summary.images?.[0];

describe('Argo CD state machine driven by git', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;
  let prod: Awaited<ReturnType<typeof argoClient>>;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
    });
    main = await argoClient(fleet, 'argocd-main');
    prod = await argoClient(fleet, 'argocd-prod');
  });
  afterAll(() => stopAndClean(fleet));

  it('starts from the seeded live state', async () => {
    const staging = (
      await main.get('/api/v1/applications/payments-api-staging')
    ).body;
    expect(staging.status.sync.status).toBe('Synced');
    expect(staging.status.health.status).toBe('Healthy');
    expect(image(staging)).toBe('registry.example.com/payments-api:1.3.2');
    const p = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    expect(p.status.sync.status).toBe('OutOfSync');
    expect(image(p)).toBe('registry.example.com/payments-api:1.3.0');
    const chores = (await main.get('/api/v1/applications/chores-api-staging'))
      .body;
    expect(chores.status.health.status).toBe('Degraded');
    const bot = (await prod.get('/api/v1/applications/schedule-bot-prod')).body;
    expect(image(bot)).toBe('registry.example.com/schedule-bot:0.8.5');
    expect(bot.status.sourceType).toBe('Helm');
  });

  it('a commit to the staging overlay makes staging OutOfSync, then auto-syncs it', async () => {
    const sha = await commitToFleet(
      fleet,
      'payments-api: promote 1.4.0 to staging',
      dir =>
        replaceInFile(
          path.join(
            dir,
            'apps/payments-api/overlays/staging/kustomization.yaml',
          ),
          /newTag: 1\.3\.2/,
          'newTag: 1.4.0',
        ),
    );
    expect(await fleet.control.pollGit()).toBe(true);
    let app = (await main.get('/api/v1/applications/payments-api-staging'))
      .body;
    expect(app.status.sync.status).toBe('OutOfSync');
    expect(app.status.sync.revision).toBe(sha);
    expect(image(app)).toBe('registry.example.com/payments-api:1.3.2');
    const historyBefore = app.status.history.length;
    const lastId = app.status.history[historyBefore - 1].id;

    await fleet.clock.advance(1500); // auto-sync kicks in
    app = (await main.get('/api/v1/applications/payments-api-staging')).body;
    expect(app.status.operationState.phase).toBe('Running');
    expect(app.status.operationState.operation.initiatedBy).toEqual({
      automated: true,
    });
    expect(app.status.health.status).toBe('Progressing');

    await fleet.clock.advance(10_000);
    app = (await main.get('/api/v1/applications/payments-api-staging')).body;
    expect(app.status.operationState.phase).toBe('Succeeded');
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.health.status).toBe('Healthy');
    expect(image(app)).toBe('registry.example.com/payments-api:1.4.0');
    const last = app.status.history[app.status.history.length - 1];
    expect(last.id).toBe(lastId + 1);
    expect(last.revision).toBe(sha);
    expect(Date.parse(last.deployedAt)).toBeGreaterThan(
      Date.parse(last.deployStartedAt),
    );

    const meta = (
      await main.get(
        `/api/v1/applications/payments-api-staging/revisions/${sha}/metadata`,
      )
    ).body;
    expect(meta.author).toBe('Dana Release <dana@example.com>');
    expect(meta.message).toBe('payments-api: promote 1.4.0 to staging');
  });

  it('prod waits for a manual sync, which then deploys git’s version', async () => {
    await fleet.clock.advance(60_000);
    let app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    expect(app.status.sync.status).toBe('OutOfSync');
    expect(app.status.operationState.phase).toBe('Succeeded'); // the old one, no new operation
    expect(image(app)).toBe('registry.example.com/payments-api:1.3.0');
    const ids = app.status.history.map((h: any) => h.id);

    const res = await prod.post('/api/v1/applications/payments-api-prod/sync', {
      prune: false,
      dryRun: false,
    });
    expect(res.status).toBe(200);
    expect(res.body.status.operationState.phase).toBe('Running');
    expect(
      (await prod.post('/api/v1/applications/payments-api-prod/sync', {}))
        .status,
    ).toBe(400);

    await fleet.clock.advance(10_000);
    app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.health.status).toBe('Healthy');
    expect(image(app)).toBe('registry.example.com/payments-api:1.3.1');
    const last = app.status.history[app.status.history.length - 1];
    expect(last.id).toBe(Math.max(...ids) + 1);
    expect(last.initiatedBy).toEqual({ username: 'admin' });
  });

  it('rollback restores the previous image and records history', async () => {
    let app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    const history = app.status.history;
    const previous = history[history.length - 2];
    const res = await prod.post(
      '/api/v1/applications/payments-api-prod/rollback',
      { id: previous.id, prune: false, dryRun: false },
    );
    expect(res.status).toBe(200);
    await fleet.clock.advance(10_000);
    app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    expect(image(app)).toBe('registry.example.com/payments-api:1.3.0');
    expect(app.status.sync.status).toBe('OutOfSync'); // git still says 1.3.1
    const last = app.status.history[app.status.history.length - 1];
    expect(last.revision).toBe(previous.revision);
    expect(last.id).toBe(history[history.length - 1].id + 1);
  });

  it('refuses rollback when auto-sync is enabled, like Argo', async () => {
    const app = (await main.get('/api/v1/applications/payments-api-dev')).body;
    const res = await main.post(
      '/api/v1/applications/payments-api-dev/rollback',
      { id: app.status.history[0].id },
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'rollback cannot be initiated when auto-sync is enabled',
    );
  });

  it('terminates a running operation', async () => {
    await prod.post('/api/v1/applications/chores-api-prod/sync', {});
    const res = await prod.del(
      '/api/v1/applications/chores-api-prod/operation',
    );
    expect(res.status).toBe(200);
    const app = (await prod.get('/api/v1/applications/chores-api-prod')).body;
    expect(app.status.operationState.phase).toBe('Failed');
    expect(app.status.operationState.message).toBe('Operation terminated');
    expect(
      (await prod.del('/api/v1/applications/chores-api-prod/operation')).status,
    ).toBe(400);
  });

  it('a new child Application committed to argocd/apps appears and auto-syncs', async () => {
    await commitToFleet(fleet, 'scaffold chores-worker dev', async dir => {
      const src = await fs.readFile(
        path.join(dir, 'argocd/apps/chores-api-dev.yaml'),
        'utf8',
      );
      await fs.writeFile(
        path.join(dir, 'argocd/apps/chores-worker-dev.yaml'),
        src.replace(/chores-api/g, 'chores-worker'),
      );
      await fs.cp(
        path.join(dir, 'apps/chores-api'),
        path.join(dir, 'apps/chores-worker'),
        { recursive: true },
      );
      const overlay = path.join(
        dir,
        'apps/chores-worker/overlays/dev/kustomization.yaml',
      );
      await replaceInFile(overlay, /newTag: .*/, 'newTag: 0.1.0');
      await replaceInFile(overlay, /chores-api/g, 'chores-worker');
    });
    await fleet.control.pollGit();
    let app = (await main.get('/api/v1/applications/chores-worker-dev')).body;
    expect(app.status.sync.status).toBe('OutOfSync');
    expect(app.status.health.status).toBe('Missing');
    await fleet.clock.advance(15_000);
    app = (await main.get('/api/v1/applications/chores-worker-dev')).body;
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.health.status).toBe('Healthy');
    expect(image(app)).toBe('registry.example.com/chores-worker:0.1.0');
    const list = (
      await main.get('/api/v1/applications?selector=app%3Dchores-worker')
    ).body;
    expect(list.items.map((i: any) => i.metadata.name)).toEqual([
      'chores-worker-dev',
    ]);
  });

  it('removing a child manifest from git deletes the app (DELETED event, then 403)', async () => {
    const inst = fleet.internals.instances[0];
    const events: string[] = [];
    inst.events.on('event', (e: any) => events.push(`${e.type} ${e.app.name}`));
    await commitToFleet(fleet, 'retire chores-worker', dir =>
      fs.rm(path.join(dir, 'argocd/apps/chores-worker-dev.yaml')),
    );
    await fleet.control.pollGit();
    expect(events).toContain('DELETED chores-worker-dev');
    expect(
      (await main.get('/api/v1/applications/chores-worker-dev')).status,
    ).toBe(403);
    const root = (await main.get('/api/v1/applications/root')).body;
    expect(root.status.resources.map((r: any) => r.name)).not.toContain(
      'chores-worker-dev',
    );
    expect(root.status.resources.map((r: any) => r.name)).toContain(
      'payments-api-prod',
    );
  });

  it('a bad image deploys but ends Degraded', async () => {
    await commitToFleet(fleet, 'schedule-bot: 0.9.1-bad to dev', dir =>
      replaceInFile(
        path.join(dir, 'charts/schedule-bot/values-dev.yaml'),
        /tag: 0\.9\.0/,
        'tag: 0.9.1-bad',
      ),
    );
    await fleet.control.pollGit();
    await fleet.clock.advance(15_000);
    // schedule-bot is a Rollout: its canary's pods never get ready, so it stays Progressing
    // until progressDeadlineSeconds (600 s) runs out, as Argo Rollouts does.
    let app = (await main.get('/api/v1/applications/schedule-bot-dev')).body;
    expect(app.status.health.status).toBe('Progressing');
    await fleet.clock.advance(600_000);
    app = (await main.get('/api/v1/applications/schedule-bot-dev')).body;
    expect(app.status.sync.status).toBe('Synced');
    expect(app.status.health.status).toBe('Degraded');
    expect(app.status.health.message).toMatch(/^ProgressDeadlineExceeded: /);
    expect(image(app)).toBe('registry.example.com/schedule-bot:0.9.1-bad');
  });
});

describe('broken manifests in git', () => {
  it('marks only the affected app with a ComparisonError and Unknown sync', async () => {
    const fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
    });
    try {
      const main = await argoClient(fleet, 'argocd-main');
      await commitToFleet(fleet, 'oops: broken overlay', async dir => {
        await fs.writeFile(
          path.join(dir, 'apps/chores-api/overlays/dev/kustomization.yaml'),
          'images: [unclosed\n',
        );
        await fs.writeFile(
          path.join(dir, 'argocd/apps/garbage.yaml'),
          'kind: [\n',
        );
      });
      await fleet.control.pollGit();
      const broken = (await main.get('/api/v1/applications/chores-api-dev'))
        .body;
      expect(broken.status.sync.status).toBe('Unknown');
      expect(broken.status.conditions[0].type).toBe('ComparisonError');
      expect(broken.status.summary.images).toEqual([
        'registry.example.com/chores-api:2.1.0',
      ]);
      const ok = (await main.get('/api/v1/applications/payments-api-dev')).body;
      expect(ok.status.sync.status).toBe('Synced');
      expect(ok.status.conditions).toBeUndefined();
    } finally {
      await stopAndClean(fleet);
    }
  });
});
