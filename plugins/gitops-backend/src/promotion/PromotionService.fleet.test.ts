import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { startFleet, type Fleet } from '@internal/fleet-simulator';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  alice,
  bob,
  component,
  fleetApps,
  fleetAppStates,
  git,
  makeService,
  mallory,
  manualSync,
  pushEdit,
  tempDir,
} from './__testUtils__/promotionTestUtils';
import { finishCanary } from '../__testUtils__/fleetBackend';
import type { PromotionService } from './PromotionService';
import { readRegistryEntry } from './versionFiles';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const STAGING = 'apps/payments-api/overlays/staging/kustomization.yaml';
const PROD = 'apps/payments-api/overlays/prod/kustomization.yaml';
const REGISTRY = 'registry/versions.yaml';

const payments = component('payments-api', {
  'gitops/version-source': 'kustomize',
  'gitops/repo-path': 'apps/payments-api',
});
const chores = component('chores-api');

describe('PromotionService against the fleet simulator', () => {
  let dir: string;
  let fleet: Fleet;
  let service: PromotionService;
  let events: string[];
  let stagingPromotionId: string;
  let prodPromotionId: string;
  let closeRepo: (() => void) | undefined;

  const show = (rev: string, file: string) =>
    git(fleet.git.bareRepoPath, 'show', `${rev}:${file}`);
  const settle = async () => {
    await fleet.control.pollGit();
    await fleet.clock.advance(10_000);
  };

  beforeAll(async () => {
    dir = await tempDir('fleet');
    fleet = await startFleet({
      dir: path.join(dir, 'fleet'),
      clock: 'manual',
      appsPerInstance: 0,
    });
    // The users' files carry comments; a promotion must keep them.
    await pushEdit(fleet.git.url, 'Document the overlays', async work => {
      const staging = path.join(work, STAGING);
      await fs.writeFile(
        staging,
        `# payments-api staging overlay (owned by team payments)\n${(
          await fs.readFile(staging, 'utf8')
        )
          .replace('images:', '# the image CI builds\nimages:')
          .replace(/newTag: (\S+)/, 'newTag: $1 # bumped by promotions')}`,
      );
      const registry = path.join(work, REGISTRY);
      await fs.writeFile(
        registry,
        `# Version registry: what runs where.\n# Updated by CI and by Backstage promotions.\n${await fs.readFile(
          registry,
          'utf8',
        )}`,
      );
    });
    await settle();
    const knex = await databases.init('SQLITE_3');
    const made = await makeService({
      knex,
      url: fleet.git.url,
      workDir: path.join(dir, 'work'),
      clock: fleet.clock,
      appStates: fleetAppStates(fleet),
    });
    service = made.service;
    events = made.events;
    closeRepo = () => made.repo.close();
  });

  afterAll(async () => {
    closeRepo?.();
    await fleet?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('rejects bad input naming the field', async () => {
    const base = { entity: payments, requester: alice };
    await expect(
      service.preview({ ...base, from: 'dev', to: 'qa' }),
    ).rejects.toThrow(
      new InputError(
        'to: unknown environment "qa" (one of dev, staging, prod)',
      ),
    );
    await expect(
      service.preview({ ...base, from: 'dev', to: 'prod' }),
    ).rejects.toThrow(/^to: prod does not follow dev/);
    await expect(
      service.preview({
        ...base,
        from: 'dev',
        to: 'staging',
        version: '1.4.0; rm -rf /',
      }),
    ).rejects.toThrow(InputError);
    await expect(
      service.preview({ ...base, from: 'dev', to: 'staging', version: '../x' }),
    ).rejects.toThrow(/^version: /);
  });

  it('previews dev → staging: the exact diff of the overlay and the registry, gates, commit mode', async () => {
    const preview = await service.preview({
      entity: payments,
      from: 'dev',
      to: 'staging',
      requester: alice,
    });
    expect(preview).toMatchObject({
      version: '1.4.0',
      previousVersion: '1.3.2',
      mode: 'commit',
      approvalRequired: false,
      blocked: false,
    });
    expect(preview.files.map(f => f.path)).toEqual([STAGING, REGISTRY]);
    expect(preview.files[0].diff).toContain(
      `--- a/${STAGING}\n+++ b/${STAGING}\n`,
    );
    expect(preview.files[0].diff).toContain(
      '\n-    newTag: 1.3.2 # bumped by promotions\n+    newTag: 1.4.0 # bumped by promotions\n',
    );
    expect(preview.files[1].diff).toContain('\n-      version: 1.3.2\n');
    expect(preview.files[1].diff).toContain('\n+      version: 1.4.0\n');
    expect(preview.files[1].diff).toContain(
      '+      deployed_by: user:default/alice',
    );
    expect(preview.gates).toEqual([
      expect.objectContaining({ gate: 'source-healthy', status: 'passed' }),
      expect.objectContaining({ gate: 'smoke', status: 'skipped' }),
      expect.objectContaining({ gate: 'approval', status: 'skipped' }),
    ]);

    const before = (
      await git(fleet.git.bareRepoPath, 'rev-parse', 'main')
    ).trim();
    const promotion = await service.create({
      entity: payments,
      from: 'dev',
      to: 'staging',
      requester: alice,
      previewId: preview.id,
    });
    stagingPromotionId = promotion.id;
    expect(promotion).toMatchObject({
      id: preview.id,
      state: 'committed',
      mode: 'commit',
      version: '1.4.0',
      previousVersion: '1.3.2',
      files: [STAGING, REGISTRY],
    });

    // Exactly one commit, changing exactly the two files, with the diff the preview showed.
    const log = await git(
      fleet.git.bareRepoPath,
      'log',
      '--format=%H %an',
      `${before}..main`,
    );
    expect(log.trim().split('\n')).toEqual([
      `${promotion.commitSha} user:default/alice`,
    ]);
    const changed = await git(
      fleet.git.bareRepoPath,
      'diff',
      '--name-only',
      before,
      'main',
    );
    expect(changed.trim().split('\n').sort()).toEqual(
      [REGISTRY, STAGING].sort(),
    );
    const gitDiff = await git(
      fleet.git.bareRepoPath,
      'diff',
      before,
      'main',
      '--',
      STAGING,
    );
    expect(gitDiff.slice(gitDiff.indexOf('---'))).toBe(preview.files[0].diff);

    const staging = await show('main', STAGING);
    expect(staging).toContain(
      '# payments-api staging overlay (owned by team payments)',
    );
    expect(staging).toContain('# the image CI builds\nimages:');
    expect(staging).toContain('    newTag: 1.4.0 # bumped by promotions\n');
    const registry = await show('main', REGISTRY);
    expect(
      registry.startsWith(
        '# Version registry: what runs where.\n# Updated by CI',
      ),
    ).toBe(true);
    expect(readRegistryEntry(registry, 'payments-api', 'staging')).toEqual({
      version: '1.4.0',
      deployed_at: fleet.clock.now().toISOString(),
      deployed_by: 'user:default/alice',
    });
    // Other entries untouched.
    expect(readRegistryEntry(registry, 'payments-api', 'prod')?.version).toBe(
      '1.3.1',
    );

    // The fleet's staging app follows git.
    await fleet.control.pollGit();
    expect(fleetApps(fleet, 'payments-api', 'staging')[0].sync).toBe(
      'OutOfSync',
    );
    await fleet.clock.advance(10_000);
    const apps = fleetApps(fleet, 'payments-api', 'staging');
    expect(apps).toEqual([
      {
        name: 'payments-api-staging',
        sync: 'Synced',
        health: 'Healthy',
        images: ['registry.example.com/payments-api:1.4.0'],
      },
    ]);
    const synced = await service.markSynced({
      entityRef: 'component:default/payments-api',
      env: 'staging',
      apps,
    });
    expect(synced.map(p => [p.id, p.state])).toEqual([
      [promotion.id, 'synced'],
    ]);
    expect(events).toContain(`synced:${promotion.id}`);
  });

  it('refuses a promotion whose source environment is not healthy, and records why', async () => {
    // chores-api staging runs 2.1.0-bad, Degraded.
    await expect(
      service.create({
        entity: chores,
        from: 'staging',
        to: 'prod',
        requester: alice,
      }),
    ).rejects.toThrow(ConflictError);
    const [failed] = await service.list('component:default/chores-api');
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(
      /source-healthy: staging must run 2\.1\.0-bad Synced and Healthy: chores-api-staging is Synced\/Degraded/,
    );
  });

  it('prod waits for an approval by another owner, then lands and is marked synced after a manual sync', async () => {
    const preview = await service.preview({
      entity: payments,
      from: 'staging',
      to: 'prod',
      requester: alice,
    });
    expect(preview).toMatchObject({
      version: '1.4.0',
      previousVersion: '1.3.1',
      mode: 'pull-request',
      branch: 'promote/payments-api-prod-1.4.0',
      approvalRequired: true,
      blocked: false,
    });
    expect(preview.gates.find(g => g.gate === 'approval')?.status).toBe(
      'pending',
    );

    const mainBefore = (
      await git(fleet.git.bareRepoPath, 'rev-parse', 'main')
    ).trim();
    const promotion = await service.create({
      entity: payments,
      from: 'staging',
      to: 'prod',
      requester: alice,
      previewId: preview.id,
    });
    prodPromotionId = promotion.id;
    expect(promotion).toMatchObject({
      state: 'awaiting-approval',
      mode: 'pull-request',
      branch: 'promote/payments-api-prod-1.4.0',
    });
    expect(promotion.prUrl).toContain(
      '#branch=promote/payments-api-prod-1.4.0',
    );
    // Nothing on main yet; the change waits on its branch.
    expect(
      (await git(fleet.git.bareRepoPath, 'rev-parse', 'main')).trim(),
    ).toBe(mainBefore);
    expect(await show('promote/payments-api-prod-1.4.0', PROD)).toContain(
      'newTag: 1.4.0',
    );

    // A second promotion to prod while one waits is shown as blocked, and refused.
    const second = await service.preview({
      entity: payments,
      from: 'staging',
      to: 'prod',
      requester: bob,
    });
    expect(second).toMatchObject({
      blocked: true,
      waiting: {
        id: promotion.id,
        state: 'awaiting-approval',
        version: '1.4.0',
      },
    });
    await expect(
      service.create({
        entity: payments,
        from: 'staging',
        to: 'prod',
        requester: bob,
        version: '1.4.0',
      }),
    ).rejects.toThrow(/already has a promotion of 1\.4\.0 to prod waiting/);

    await expect(
      service.approve({ id: promotion.id, entity: payments, approver: alice }),
    ).rejects.toThrow(NotAllowedError);
    await expect(
      service.approve({ id: promotion.id, entity: payments, approver: alice }),
    ).rejects.toThrow(/four eyes/);
    await expect(
      service.approve({
        id: promotion.id,
        entity: payments,
        approver: mallory,
      }),
    ).rejects.toThrow(/does not own component:default\/payments-api/);

    // Meanwhile someone edits the very line on main: the approval rebases the branch.
    await pushEdit(fleet.git.url, 'Note the prod pin', async work => {
      const prod = path.join(work, PROD);
      await fs.writeFile(
        prod,
        (
          await fs.readFile(prod, 'utf8')
        ).replace(
          'newTag: 1.3.1',
          'newTag: 1.3.1 # pinned by the release managers',
        ),
      );
    });

    const merged = await service.approve({
      id: promotion.id,
      entity: payments,
      approver: bob,
    });
    expect(merged).toMatchObject({
      state: 'merged',
      approver: 'user:default/bob',
    });
    expect(merged.gateResults.find(g => g.gate === 'approval')).toMatchObject({
      status: 'passed',
      message: 'approved by user:default/bob',
    });
    expect(
      (await git(fleet.git.bareRepoPath, 'rev-parse', 'main')).trim(),
    ).toBe(merged.commitSha);
    expect(await show('main', PROD)).toContain(
      'newTag: 1.4.0 # pinned by the release managers\n',
    );
    expect(
      readRegistryEntry(await show('main', REGISTRY), 'payments-api', 'prod')
        ?.version,
    ).toBe('1.4.0');
    expect(
      (
        await git(fleet.git.bareRepoPath, 'branch', '--list', 'promote/*')
      ).trim(),
    ).toBe('');
    await expect(
      service.approve({ id: promotion.id, entity: payments, approver: bob }),
    ).rejects.toThrow(/is merged; only a promotion waiting/);

    // Prod has no automated sync: git changed, the app is OutOfSync until someone syncs.
    await settle();
    let apps = fleetApps(fleet, 'payments-api', 'prod');
    expect(apps[0].sync).toBe('OutOfSync');
    expect(
      await service.markSynced({
        entityRef: promotion.entityRef,
        env: 'prod',
        apps,
      }),
    ).toEqual([]);
    await manualSync(fleet, 'payments-api-prod');
    await fleet.clock.advance(10_000);
    apps = fleetApps(fleet, 'payments-api', 'prod');
    expect(apps[0]).toMatchObject({
      sync: 'Synced',
      health: 'Healthy',
      images: ['registry.example.com/payments-api:1.4.0'],
    });
    const synced = await service.markSynced({
      entityRef: promotion.entityRef,
      env: 'prod',
      apps,
    });
    expect(synced.map(p => [p.id, p.state])).toEqual([
      [promotion.id, 'synced'],
    ]);
  });

  it('promotes a Helm service (schedule-bot) through values-<env>.yaml; a waiting prod PR can be closed', async () => {
    const bot = component('schedule-bot', {
      'gitops/version-source': 'helm',
      'gitops/repo-path': 'charts/schedule-bot',
    });
    // dev's 0.9.0 is a canary paused at its first step: not Healthy until it completes.
    await finishCanary(fleet);
    const staging = await service.create({
      entity: bot,
      from: 'dev',
      to: 'staging',
      requester: alice,
    });
    expect(staging).toMatchObject({
      state: 'committed',
      version: '0.9.0',
      previousVersion: '0.8.5',
      files: ['charts/schedule-bot/values-staging.yaml', REGISTRY],
    });
    expect(
      await show('main', 'charts/schedule-bot/values-staging.yaml'),
    ).toContain('tag: 0.9.0');
    await settle();
    // Staging's sync starts a canary of 0.9.0 that pauses too, until promoted.
    expect(fleetApps(fleet, 'schedule-bot', 'staging')[0]).toMatchObject({
      health: 'Suspended',
    });
    await finishCanary(fleet, 'schedule-bot-staging');
    expect(fleetApps(fleet, 'schedule-bot', 'staging')[0]).toMatchObject({
      sync: 'Synced',
      health: 'Healthy',
      images: ['registry.example.com/schedule-bot:0.9.0'],
    });

    const prod = await service.create({
      entity: bot,
      from: 'staging',
      to: 'prod',
      requester: alice,
    });
    expect(prod.state).toBe('awaiting-approval');
    await expect(
      service.close({ id: prod.id, entity: bot, actor: mallory }),
    ).rejects.toThrow(NotAllowedError);
    const closed = await service.close({
      id: prod.id,
      entity: bot,
      actor: alice,
    });
    expect(closed).toMatchObject({
      state: 'failed',
      error: 'closed without merging by user:default/alice',
    });
    expect(
      (
        await git(fleet.git.bareRepoPath, 'branch', '--list', 'promote/*')
      ).trim(),
    ).toBe('');
    expect(
      await show('main', 'charts/schedule-bot/values-prod.yaml'),
    ).toContain('tag: 0.8.5');
  });

  it('rolls the prod promotion back to the previous version, with the same approval, in git and in the fleet', async () => {
    const rollback = await service.rollback({
      id: prodPromotionId,
      entity: payments,
      requester: alice,
    });
    expect(rollback).toMatchObject({
      kind: 'rollback',
      state: 'awaiting-approval',
      fromEnv: 'prod',
      toEnv: 'prod',
      version: '1.3.1',
      previousVersion: '1.4.0',
      rollbackOf: prodPromotionId,
      branch: 'rollback/payments-api-prod-1.3.1',
    });
    await expect(
      service.approve({ id: rollback.id, entity: payments, approver: alice }),
    ).rejects.toThrow(/four eyes/);
    const merged = await service.approve({
      id: rollback.id,
      entity: payments,
      approver: bob,
    });
    expect(merged.state).toBe('merged');
    expect(await show('main', PROD)).toContain('newTag: 1.3.1');
    expect(
      readRegistryEntry(await show('main', REGISTRY), 'payments-api', 'prod'),
    ).toMatchObject({
      version: '1.3.1',
      deployed_by: 'user:default/alice',
    });
    expect((await service.get(prodPromotionId))?.state).toBe('rolled-back');
    // A rolled-back promotion cannot be rolled back again.
    await expect(
      service.rollback({
        id: prodPromotionId,
        entity: payments,
        requester: alice,
      }),
    ).rejects.toThrow(/is rolled-back; only a landed promotion/);

    await settle();
    await manualSync(fleet, 'payments-api-prod');
    await fleet.clock.advance(10_000);
    const apps = fleetApps(fleet, 'payments-api', 'prod');
    expect(apps[0]).toMatchObject({
      sync: 'Synced',
      health: 'Healthy',
      images: ['registry.example.com/payments-api:1.3.1'],
    });
    const synced = await service.markSynced({
      entityRef: rollback.entityRef,
      env: 'prod',
      apps,
    });
    expect(synced.map(p => p.id)).toEqual([rollback.id]);

    // A commit-mode rollback (staging) lands directly; the staging app follows.
    const stagingRollback = await service.rollback({
      id: stagingPromotionId,
      entity: payments,
      requester: bob,
    });
    expect(stagingRollback).toMatchObject({
      state: 'committed',
      version: '1.3.2',
    });
    expect(await show('main', STAGING)).toContain('1.3.2');
    expect(await show('main', STAGING)).toContain(
      '# payments-api staging overlay',
    );
    await settle();
    expect(fleetApps(fleet, 'payments-api', 'staging')[0]).toMatchObject({
      sync: 'Synced',
      health: 'Healthy',
      images: ['registry.example.com/payments-api:1.3.2'],
    });

    const history = await service.list('component:default/payments-api');
    expect(
      history.map(p => `${p.kind} ${p.toEnv} ${p.version} ${p.state}`),
    ).toEqual([
      'rollback staging 1.3.2 committed',
      'rollback prod 1.3.1 synced',
      'promotion prod 1.4.0 rolled-back',
      // bob's second promotion to prod, refused while alice's waited: kept for the record
      'promotion prod 1.4.0 failed',
      'promotion staging 1.4.0 rolled-back',
    ]);
    expect(history[3]).toMatchObject({
      requester: 'user:default/bob',
      error: expect.stringMatching(
        /already has a promotion of 1\.4\.0 to prod waiting/,
      ),
    });
  });
});
