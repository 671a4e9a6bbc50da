import {
  coreServices,
  createServiceFactory,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
} from '@backstage/plugin-permission-common';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import type {
  PromotionListResponse,
  PromotionPreview,
  PromotionRecord,
} from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { gitopsPlugin } from './plugin';
import { manualSync } from './promotion/__testUtils__/promotionTestUtils';
import { gitopsClockServiceRef } from './util/clock';
import {
  capturingRootLogger,
  capturingSignals,
  finishCanary,
  startGitopsBackend,
  startTestFleet,
  untilReady,
  waitFor,
} from './__testUtils__/fleetBackend';

// Real servers (the simulated fleet) and git on a shared 2-core machine: generous timeouts.
jest.setTimeout(90_000);

const exec = promisify(execFile);
const git = async (cwd: string, ...args: string[]) =>
  (await exec('git', args, { cwd })).stdout.trim();

const OWNERS = 'group:default/payments';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const MALLORY = 'user:default/mallory';
/** Who owns what through which groups (what the catalog would say). */
const MEMBERSHIP: Record<string, string[]> = {
  [ALICE]: [ALICE, OWNERS],
  [BOB]: [BOB, OWNERS],
  [MALLORY]: [MALLORY, 'group:default/other'],
};

const STAGING = 'apps/payments-api/overlays/staging/kustomization.yaml';
const PROD = 'apps/payments-api/overlays/prod/kustomization.yaml';
const REGISTRY = 'registry/versions.yaml';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'argocd/app-selector': `app=${name}` },
  },
  spec: { type: 'service', lifecycle: 'production', owner: OWNERS },
  relations: [{ type: 'ownedBy', targetRef: OWNERS }],
});
const ENTITIES = ['payments-api', 'chores-api', 'schedule-bot'].map(entity);

const base = '/api/gitops/entities/component/default/payments-api';

/** Owners (through their groups) may promote and approve; anyone else is denied. */
const groupPermissions = mockServices.permissions.mock({
  authorize: (async (
    requests: AuthorizePermissionRequest[],
    options: { credentials: { principal: unknown } },
  ) =>
    requests.map(r => {
      const user = (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef;
      const target = ENTITIES.find(
        e =>
          `component:default/${e.metadata.name}` ===
          String((r as { resourceRef?: string }).resourceRef).toLowerCase(),
      );
      const owner = (target?.spec as { owner?: string } | undefined)?.owner;
      const allowed = !!owner && !!user && MEMBERSHIP[user]?.includes(owner);
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    })) as any,
  // What the overview shows: the same rule as a condition the plugin applies itself.
  authorizeConditional: (async (
    queries: Array<{ permission: any }>,
    options: { credentials: { principal: unknown } },
  ) =>
    queries.map(q => {
      const user = (options.credentials.principal as { userEntityRef?: string })
        .userEntityRef;
      return q.permission.name === 'catalog.entity.read'
        ? { result: AuthorizeResult.ALLOW }
        : createCatalogConditionalDecision(
            q.permission,
            catalogConditions.isEntityOwner({
              claims: MEMBERSHIP[user ?? ''] ?? [],
            }),
          );
    })) as any,
});

async function startBackend(fleet: Fleet) {
  const { gitops } = fleet.appConfig() as { gitops: any };
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(): ServiceFactory<SchedulerService, 'plugin', 'singleton'>;
  };
  const auditor = mockServices.auditor.mock();
  const signals: SignalPayload[] = [];
  const logs: string[] = [];
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      mockServices.rootConfig.factory({
        data: {
          gitops: {
            ...gitops,
            promotion: {
              committer: { name: 'Backstage', email: 'gitops@example.com' },
            },
          },
        },
      }),
      scheduler.factory(),
      auditor.factory,
      catalogServiceMock.factory({ entities: ENTITIES }),
      groupPermissions.factory,
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          getUserInfo: async (credentials: any) => {
            const ref = credentials.principal.userEntityRef as string;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: MEMBERSHIP[ref] ?? [ref],
            };
          },
        }),
      }),
      capturingSignals(signals),
      capturingRootLogger(logs),
      createServiceFactory({
        service: gitopsClockServiceRef,
        deps: {},
        factory: () => ({ now: () => fleet.clock.now() }),
      }),
    ],
  });
  await untilReady(backend, ENTITIES[0]);
  return Object.assign(backend, { scheduler, auditor, signals, logs });
}

describe('promotion routes against the simulated fleet', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: Awaited<ReturnType<typeof startBackend>>;

  const as = (user: string) => ({
    post: (path: string, body: object = {}) =>
      request(backend.server)
        .post(path)
        .set('authorization', mockCredentials.user.header(user))
        .send(body),
    get: (path: string) =>
      request(backend.server)
        .get(path)
        .set('authorization', mockCredentials.user.header(user)),
  });
  const refs = () =>
    git(
      fleet.git.bareRepoPath,
      'for-each-ref',
      '--format=%(refname) %(objectname)',
    );
  const head = () => git(fleet.git.bareRepoPath, 'rev-parse', 'main');
  /** Waits until the stream has brought Argo CD's change and the promotion reached `state`. */
  const untilPromotion = (entityPath: string, id: string, state: string) =>
    waitFor(
      async () =>
        (
          (await as(ALICE).get(`${entityPath}/promotions`))
            .body as PromotionListResponse
        ).items.some(p => p.id === id && p.state === state),
      20_000,
      `promotion ${id} to be ${state}`,
    );
  const auditEvents = () =>
    backend.auditor.createEvent.mock.calls.map(([e]) => e);

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet({ appsPerInstance: 0 }));
    backend = await startBackend(fleet);
  });
  afterAll(async () => {
    await backend?.stop();
    await cleanup?.();
  });

  it('previews dev → staging with the exact diff and the gates, commits it, and follows it to synced', async () => {
    const preview = await as(ALICE).post(`${base}/promotions/preview`, {
      from: 'dev',
      to: 'staging',
    });
    expect(preview.status).toBe(200);
    const body = preview.body as PromotionPreview;
    expect(body).toMatchObject({
      entityRef: 'component:default/payments-api',
      from: 'dev',
      to: 'staging',
      version: '1.4.0',
      previousVersion: '1.3.2',
      mode: 'commit',
      approvalRequired: false,
      blocked: false,
    });
    expect(body.files.map(f => f.path)).toEqual([STAGING, REGISTRY]);
    expect(body.files[0].diff).toContain(
      `--- a/${STAGING}\n+++ b/${STAGING}\n`,
    );
    expect(body.files[0].diff).toMatch(
      /\n-\s+newTag: 1\.3\.2\n\+\s+newTag: 1\.4\.0\n/,
    );
    expect(body.files[1].diff).toContain(
      '+      deployed_by: user:default/alice',
    );
    expect(body.gates).toEqual([
      expect.objectContaining({ gate: 'source-healthy', status: 'passed' }),
      expect.objectContaining({ gate: 'smoke', status: 'skipped' }),
      expect.objectContaining({ gate: 'approval', status: 'skipped' }),
    ]);
    expect(auditEvents()).toContainEqual(
      expect.objectContaining({
        eventId: 'promotion-preview',
        meta: expect.objectContaining({
          entityRef: 'component:default/payments-api',
          from: 'dev',
          to: 'staging',
        }),
      }),
    );

    const before = await head();
    backend.auditor.createEvent.mockClear();
    backend.signals.length = 0;
    const created = await as(ALICE).post(`${base}/promotions`, {
      from: 'dev',
      to: 'staging',
      previewId: body.id,
    });
    expect(created.status).toBe(201);
    const promotion = created.body as PromotionRecord;
    expect(promotion).toMatchObject({
      id: body.id,
      kind: 'promotion',
      from: 'dev',
      to: 'staging',
      version: '1.4.0',
      previousVersion: '1.3.2',
      requester: ALICE,
      state: 'committed',
      mode: 'commit',
      files: [STAGING, REGISTRY],
    });
    expect(promotion).not.toHaveProperty('fromEnv');

    // Exactly one commit on main, by alice, changing exactly the previewed files.
    expect(
      await git(
        fleet.git.bareRepoPath,
        'log',
        '--format=%H %an',
        `${before}..main`,
      ),
    ).toBe(`${promotion.commitSha} ${ALICE}`);
    expect(
      (await git(fleet.git.bareRepoPath, 'diff', '--name-only', before, 'main'))
        .split('\n')
        .sort(),
    ).toEqual([REGISTRY, STAGING].sort());

    // Audited with the outcome.
    expect(backend.auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-create',
        meta: expect.objectContaining({
          entityRef: 'component:default/payments-api',
          from: 'dev',
          to: 'staging',
        }),
      }),
    );
    const event = await backend.auditor.createEvent.mock.results[0].value;
    expect(event.success).toHaveBeenCalledWith({
      meta: expect.objectContaining({
        promotionId: promotion.id,
        state: 'committed',
        commitSha: promotion.commitSha,
        version: '1.4.0',
      }),
    });
    // Open pages of the entity are told.
    expect(backend.signals).toContainEqual(
      expect.objectContaining({
        channel: 'gitops:component:default/payments-api',
        message: {
          type: 'overview-changed',
          entityRef: 'component:default/payments-api',
        },
      }),
    );

    // Argo CD picks the change up; its events move the promotion to synced.
    await fleet.control.pollGit();
    await fleet.clock.advance(10_000);
    await untilPromotion(base, promotion.id, 'synced');
    const list = await as(ALICE).get(`${base}/promotions`);
    expect(list.status).toBe(200);
    const items = (list.body as PromotionListResponse).items;
    expect(items.map(p => [p.id, p.state])).toEqual([[promotion.id, 'synced']]);
  });

  it('prod waits for the approval of another owner; the requester cannot approve', async () => {
    const before = await head();
    const created = await as(ALICE).post(`${base}/promotions`, {
      from: 'staging',
      to: 'prod',
    });
    expect(created.status).toBe(201);
    const promotion = created.body as PromotionRecord;
    expect(promotion).toMatchObject({
      state: 'awaiting-approval',
      mode: 'pull-request',
      version: '1.4.0',
      previousVersion: '1.3.1',
      branch: 'promote/payments-api-prod-1.4.0',
    });
    expect(await head()).toBe(before);

    const selfApproval = await as(ALICE).post(
      `/api/gitops/promotions/${promotion.id}/approve`,
    );
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.error.message).toMatch(/four eyes/);
    expect(await head()).toBe(before);

    backend.auditor.createEvent.mockClear();
    const approved = await as(BOB).post(
      `/api/gitops/promotions/${promotion.id}/approve`,
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      id: promotion.id,
      state: 'merged',
      approver: BOB,
    });
    expect(await head()).toBe(approved.body.commitSha);
    expect(await git(fleet.git.bareRepoPath, 'show', `main:${PROD}`)).toContain(
      'newTag: 1.4.0',
    );
    expect(backend.auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-approve',
        meta: expect.objectContaining({ promotionId: promotion.id }),
      }),
    );

    // Prod syncs by hand: merged until someone syncs, then synced from its events.
    await fleet.control.pollGit();
    await fleet.clock.advance(10_000);
    await new Promise(r => setTimeout(r, 500));
    const merged = (await as(BOB).get(`${base}/promotions`))
      .body as PromotionListResponse;
    expect(merged.items[0]).toMatchObject({
      id: promotion.id,
      state: 'merged',
    });
    await manualSync(fleet, 'payments-api-prod');
    await fleet.clock.advance(10_000);
    await untilPromotion(base, promotion.id, 'synced');
    const synced = (await as(BOB).get(`${base}/promotions`))
      .body as PromotionListResponse;
    expect(synced.items[0]).toMatchObject({
      id: promotion.id,
      state: 'synced',
    });

    // A rollback of it waits for an approval too, and can be closed.
    const rollback = await as(ALICE).post(
      `/api/gitops/promotions/${promotion.id}/rollback`,
    );
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({
      kind: 'rollback',
      state: 'awaiting-approval',
      from: 'prod',
      to: 'prod',
      version: '1.3.1',
      rollbackOf: promotion.id,
    });
    const closed = await as(BOB).post(
      `/api/gitops/promotions/${rollback.body.id}/close`,
    );
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      state: 'failed',
      error: `closed without merging by ${BOB}`,
    });
    const list = (await as(BOB).get(`${base}/promotions`))
      .body as PromotionListResponse;
    expect(list.items.map(p => `${p.kind} ${p.to} ${p.state}`)).toEqual([
      'rollback prod failed',
      'promotion prod synced',
      'promotion staging synced',
    ]);
  });

  it('denies a non-owner preview, create and approve (403), pushes nothing, and audits the refusal', async () => {
    // A waiting promotion of schedule-bot to approve: staging first, then prod.
    const bot = '/api/gitops/entities/component/default/schedule-bot';
    // dev's 0.9.0 is a canary paused at its first step: not Healthy until it completes.
    await finishCanary(fleet);
    const staging = await as(ALICE).post(`${bot}/promotions`, {
      from: 'dev',
      to: 'staging',
    });
    expect(staging.status).toBe(201);
    await fleet.control.pollGit();
    await fleet.clock.advance(10_000);
    // Staging's sync starts a canary of 0.9.0 that pauses until promoted.
    await finishCanary(fleet, 'schedule-bot-staging');
    await untilPromotion(bot, staging.body.id, 'synced');
    const waiting = await as(ALICE).post(`${bot}/promotions`, {
      from: 'staging',
      to: 'prod',
    });
    expect(waiting.body.error?.message).toBeUndefined();
    expect(waiting.status).toBe(201);
    expect(waiting.body.state).toBe('awaiting-approval');

    const before = await refs();
    backend.auditor.createEvent.mockClear();
    const responses = [
      await as(MALLORY).post(`${base}/promotions/preview`, {
        from: 'dev',
        to: 'staging',
      }),
      await as(MALLORY).post(`${base}/promotions`, {
        from: 'dev',
        to: 'staging',
        version: '1.5.0',
      }),
      await as(MALLORY).post(
        `/api/gitops/promotions/${waiting.body.id}/approve`,
      ),
    ];
    expect(responses.map(r => r.status)).toEqual([403, 403, 403]);
    expect(responses.map(r => r.body.error.name)).toEqual([
      'NotAllowedError',
      'NotAllowedError',
      'NotAllowedError',
    ]);
    expect(await refs()).toBe(before);
    expect(auditEvents().map(e => e.eventId)).toEqual([
      'promotion-preview',
      'promotion-create',
      'promotion-approve',
    ]);
    for (const result of backend.auditor.createEvent.mock.results) {
      const event = await result.value;
      expect(event.fail).toHaveBeenCalled();
      expect(event.success).not.toHaveBeenCalled();
    }
    const state = (await as(ALICE).get(`${bot}/promotions`))
      .body as PromotionListResponse;
    expect(state.items[0]).toMatchObject({
      id: waiting.body.id,
      state: 'awaiting-approval',
    });
  });

  it('answers 400 naming the field on bad input, 404 for an unknown promotion, 403 for a service principal', async () => {
    const missing = await as(ALICE).post(`${base}/promotions/preview`, {
      from: 'dev',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('body.to');

    const unknownEnv = await as(ALICE).post(`${base}/promotions`, {
      from: 'dev',
      to: 'qa',
    });
    expect(unknownEnv.status).toBe(400);
    expect(unknownEnv.body.error.message).toBe(
      'Invalid body.to: must be one of dev, staging, prod',
    );

    const skipping = await as(ALICE).post(`${base}/promotions/preview`, {
      from: 'dev',
      to: 'prod',
    });
    expect(skipping.status).toBe(400);
    expect(skipping.body.error.message).toMatch(
      /^Invalid body\.to: prod does not follow dev/,
    );

    const badVersion = await as(ALICE).post(`${base}/promotions`, {
      from: 'dev',
      to: 'staging',
      version: '1.4.0; rm -rf /',
    });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error.message).toContain('body.version');

    // An unknown field is refused, named, and nothing is promoted (a typo of `version` would
    // otherwise promote the version `from` runs).
    const before = (await as(ALICE).get(`${base}/promotions`)).body.items
      .length;
    const typo = await as(ALICE).post(`${base}/promotions`, {
      from: 'dev',
      to: 'staging',
      verison: '1.3.2',
    });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toBe('Invalid body.verison: unknown field');
    const previewTypo = await as(ALICE).post(`${base}/promotions/preview`, {
      from: 'dev',
      to: 'staging',
      previewId: '00000000-0000-4000-8000-000000000000',
    });
    expect(previewTypo.body.error.message).toBe(
      'Invalid body.previewId: unknown field',
    );
    expect((await as(ALICE).get(`${base}/promotions`)).body.items).toHaveLength(
      before,
    );
    const approveWithJunk = await as(BOB).post(
      '/api/gitops/promotions/00000000-0000-4000-8000-000000000000/approve',
      { force: true },
    );
    expect(approveWithJunk.status).toBe(400);
    expect(approveWithJunk.body.error.message).toBe(
      'Invalid body.force: unknown field',
    );

    const badId = await as(BOB).post('/api/gitops/promotions/nope/approve');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('path.id');

    const unknown = await as(BOB).post(
      '/api/gitops/promotions/00000000-0000-4000-8000-000000000000/approve',
    );
    expect(unknown.status).toBe(404);

    const service = await request(backend.server)
      .post(`${base}/promotions/preview`)
      .set('authorization', mockCredentials.service.header())
      .send({ from: 'dev', to: 'staging' });
    expect(service.status).toBe(403);
  });
});

describe('promotion without a gitops repository', () => {
  it('starts, shows promotions as not configured, and answers the promotion actions 503 saying what to configure', async () => {
    const { fleet, cleanup } = await startTestFleet({ appsPerInstance: 0 });
    const backend = await startGitopsBackend({
      fleet,
      gitops: g => ({ ...g, repository: undefined }),
    });
    try {
      const path = '/api/gitops/entities/component/default/payments-api';
      const overview = await request(backend.server).get(`${path}/overview`);
      expect(overview.status).toBe(200);
      expect(overview.body.promotionsConfigured).toBe(false);
      const list = await request(backend.server).get(`${path}/promotions`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ configured: false, items: [] });
      const responses = [
        await request(backend.server)
          .post(`${path}/promotions/preview`)
          .set('authorization', mockCredentials.user.header())
          .send({ from: 'dev', to: 'staging' }),
        await request(backend.server)
          .post(`${path}/promotions`)
          .set('authorization', mockCredentials.user.header())
          .send({ from: 'dev', to: 'staging' }),
        await request(backend.server)
          .post(
            '/api/gitops/promotions/00000000-0000-4000-8000-000000000000/approve',
          )
          .set('authorization', mockCredentials.user.header()),
      ];
      for (const res of responses) {
        expect(res.status).toBe(503);
        expect(res.body.error.message).toContain('gitops.repository.url');
      }
      expect(backend.logs.join('\n')).toContain(
        'promotions off (gitops.repository is not configured)',
      );
    } finally {
      await backend.stop();
      await cleanup();
    }
  });

  it('fails at start-up on invalid promotion config, naming the key', async () => {
    await expect(
      startGitopsBackend({
        gitops: () => ({ promotion: { lockTtlSeconds: -1 } }),
      }),
    ).rejects.toThrow('gitops.promotion.lockTtlSeconds');
    await expect(
      startGitopsBackend({
        gitops: () => ({
          promotion: {
            environments: { prod: { mode: 'commit', approval: true } },
          },
        }),
      }),
    ).rejects.toThrow('gitops.promotion.environments.prod');
  });
});
