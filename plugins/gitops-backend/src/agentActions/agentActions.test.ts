import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Fleet } from '@internal/fleet-simulator';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  OWNER,
  STRANGER,
  startGitopsBackend,
  startTestFleet,
  type GitopsTestBackend,
} from '../__testUtils__/fleetBackend';

// Real servers (the simulated fleet) and git on a shared machine: generous timeouts.
jest.setTimeout(90_000);

const exec = promisify(execFile);
const SERVICE = 'service';
const ACTIONS = {
  'gitops:get-overview': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'gitops:get-history': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'gitops:explain': { readOnly: true, destructive: false, idempotent: true },
  'gitops:preview-promotion': {
    readOnly: true,
    destructive: false,
    idempotent: true,
  },
  'gitops:create-promotion': {
    readOnly: false,
    destructive: true,
    idempotent: false,
  },
  'gitops:sync-application': {
    readOnly: false,
    destructive: true,
    idempotent: false,
  },
};
const actionsConfig = { backend: { actions: { pluginSources: ['gitops'] } } };

/** Invokes a gitops action the way the actions service does: the registry's HTTP endpoint. */
const invoke = (
  backend: GitopsTestBackend,
  caller: string,
  name: string,
  input: object,
) =>
  request(backend.server)
    .post(
      `/api/gitops/.backstage/actions/v1/actions/${encodeURIComponent(
        `gitops:${name}`,
      )}/invoke`,
    )
    .set(
      'authorization',
      caller === SERVICE
        ? mockCredentials.service.header()
        : mockCredentials.user.header(caller),
    )
    .send(input);

describe('the GitOps actions in the actions registry', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;
  const auditor = mockServices.auditor.mock();
  const as = (caller: string, name: string, input: object) =>
    invoke(backend, caller, name, input);
  const head = async () =>
    (
      await exec('git', ['rev-parse', 'main'], { cwd: fleet.git.bareRepoPath })
    ).stdout.trim();
  const argoPosts = () =>
    Object.values(fleet.control.counts().argo)
      .flatMap(x => Object.keys(x))
      .filter(k => k.startsWith('POST'));

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    backend = await startGitopsBackend({
      fleet,
      auditor,
      config: actionsConfig,
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await cleanup?.();
  });

  it('registers the six actions, namespaced by the plugin id, with their attributes', async () => {
    const res = await request(backend.server)
      .get('/api/gitops/.backstage/actions/v1/actions')
      .set('authorization', mockCredentials.user.header(STRANGER));
    expect(res.status).toBe(200);
    const actions = res.body.actions as Array<{
      id: string;
      pluginId: string;
      attributes: object;
      schema: { input: any; output: any };
    }>;
    expect(Object.fromEntries(actions.map(a => [a.id, a.attributes]))).toEqual(
      ACTIONS,
    );
    expect(actions.every(a => a.pluginId === 'gitops')).toBe(true);
    const overview = actions.find(a => a.id === 'gitops:get-overview')!;
    expect(overview.schema.output.properties.environments.type).toBe('array');
  });

  describe('input errors name the field, before anything runs', () => {
    it.each([
      ['get-overview', { entityRef: 'component:default/' }, 'entityRef'],
      ['get-overview', { entityRef: 'a b' }, 'entityRef.name'],
      [
        'get-overview',
        { entityRef: 'payments-api', costWindow: '2y' },
        'costWindow',
      ],
      ['get-history', { entityRef: 'payments-api', limit: 0 }, 'limit'],
      [
        'get-history',
        { entityRef: 'payments-api', environment: 'qa' },
        'environment',
      ],
      [
        'explain',
        { entityRef: 'payments-api', instance: 'argocd-prod' },
        'application',
      ],
      [
        'explain',
        { entityRef: 'payments-api', application: 'nope' },
        'application',
      ],
      [
        'preview-promotion',
        { entityRef: 'payments-api', from: 'dev', to: 'qa' },
        'to',
      ],
      [
        'create-promotion',
        {
          entityRef: 'payments-api',
          from: 'dev',
          to: 'staging',
          version: '../1',
        },
        'version',
      ],
      [
        'create-promotion',
        {
          entityRef: 'payments-api',
          from: 'dev',
          to: 'staging',
          previewId: 'x',
        },
        'previewId',
      ],
      [
        'sync-application',
        {
          entityRef: 'payments-api',
          instance: 'argocd-prod',
          application: '../x',
        },
        'application',
      ],
    ])('%s %j: 400 naming input.%s', async (name, input, field) => {
      fleet.control.resetCounts();
      const before = await head();
      const res = await as(OWNER, name, input);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(
        new RegExp(`^Invalid input\\.${field.replace('.', '\\.')}: `),
      );
      expect(argoPosts()).toEqual([]);
      expect(await head()).toBe(before);
    });

    it("a missing field is refused by the registry's schema, which names it", async () => {
      const res = await as(OWNER, 'sync-application', {
        entityRef: 'payments-api',
        instance: 'argocd-prod',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      // The zod issue is in the message ("; caused by [...]"): the path and why.
      expect(res.body.error.message).toMatch(
        /^Invalid input to action "gitops:sync-application"; caused by /,
      );
      expect(res.body.error.message).toMatch(
        /"path": \[\s*"application"\s*\],\s*"message": "Required"/,
      );
    });
  });

  it('explains a Degraded application: its unhealthy resources, events and reasons', async () => {
    const res = await as(STRANGER, 'explain', { entityRef: 'chores-api' });
    expect(res.status).toBe(200);
    const { output } = res.body;
    const staging = output.applications.find(
      (a: any) => a.environment === 'staging',
    );
    expect(staging).toMatchObject({
      name: 'chores-api-staging',
      health: 'Degraded',
    });
    // The seed's bad image: the Deployment's deadline, the Pods' pull back-off and its events.
    expect(staging.reasons[0]).toBe(
      'Health Degraded: Deployment "chores-api" exceeded its progress deadline.',
    );
    expect(staging.unhealthy).toContainEqual(
      expect.objectContaining({
        kind: 'Pod',
        message: 'Back-off pulling image',
      }),
    );
    expect(staging.reasons.join('\n')).toMatch(
      /Warning event Failed on Pod\/chores-api-\S+: Failed to pull image "registry\.example\.com\/chores-api:2\.1\.0-bad"/,
    );
    expect(staging.differences).toEqual([]);
    expect(output.inGoodShape).not.toContain('argocd-main/chores-api-staging');
  });

  it('explains an OutOfSync application: what differs from git, and that auto-sync is off', async () => {
    const res = await as(STRANGER, 'explain', {
      entityRef: 'component:default/payments-api',
      application: 'payments-api-prod',
    });
    expect(res.status).toBe(200);
    const [prod] = res.body.output.applications;
    expect(prod).toMatchObject({
      name: 'payments-api-prod',
      sync: 'OutOfSync',
    });
    expect(prod.differences.length).toBeGreaterThan(0);
    expect(prod.differences[0].diff).toContain('@@');
    expect(prod.reasons[0]).toBe(
      'OutOfSync: 1 resource(s) differ from git: Deployment payments-api-prod/payments-api (update: image 1.3.0 → 1.3.1).',
    );
    expect(prod.reasons.join('\n')).toMatch(/Auto-sync is off/);
  });

  it('answers the deployment history, newest first, by environment', async () => {
    const res = await as(STRANGER, 'get-history', {
      entityRef: 'payments-api',
      environment: 'prod',
      limit: 2,
    });
    expect(res.status).toBe(200);
    const { output } = res.body;
    expect(output.entries).toHaveLength(2);
    expect(output.total).toBeGreaterThanOrEqual(2);
    expect(output.entries[0]).toMatchObject({
      environment: 'prod',
      application: 'payments-api-prod',
      instance: 'argocd-prod',
    });
    expect(output.entries[0].author).toBeTruthy();
  });

  it('refuses a promotion preview and a promotion to a non-owner, and git is unchanged', async () => {
    const before = await head();
    for (const name of ['preview-promotion', 'create-promotion']) {
      const res = await as(STRANGER, name, {
        entityRef: 'payments-api',
        from: 'dev',
        to: 'staging',
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Not allowed to promote of component:default/payments-api',
      );
    }
    expect(await head()).toBe(before);
  });

  it('refuses writes on behalf of a service: they are a signed-in user’s', async () => {
    fleet.control.resetCounts();
    const res = await as(SERVICE, 'sync-application', {
      entityRef: 'payments-api',
      instance: 'argocd-prod',
      application: 'payments-api-prod',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/signed-in user/);
    expect(argoPosts()).toEqual([]);
  });

  it('previews and promotes dev → staging for the owner: one commit, audited with the actor', async () => {
    const preview = await as(OWNER, 'preview-promotion', {
      entityRef: 'payments-api',
      from: 'dev',
      to: 'staging',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.output).toMatchObject({
      entityRef: 'component:default/payments-api',
      version: '1.4.0',
      previousVersion: '1.3.2',
      blocked: false,
    });
    expect(preview.body.output.files[0].diff).toMatch(/\+\s+newTag: 1\.4\.0/);

    const before = await head();
    auditor.createEvent.mockClear();
    const created = await as(OWNER, 'create-promotion', {
      entityRef: 'payments-api',
      from: 'dev',
      to: 'staging',
      previewId: preview.body.output.id,
    });
    expect(created.status).toBe(200);
    expect(created.body.output).toMatchObject({
      id: preview.body.output.id,
      version: '1.4.0',
      requester: OWNER,
      state: 'committed',
    });
    expect(await head()).toBe(created.body.output.commitSha);
    expect(await head()).not.toBe(before);
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'promotion-create',
        meta: expect.objectContaining({
          actor: OWNER,
          via: 'actions-registry',
        }),
      }),
    );
  });
});

describe('the promotion actions without a gitops repository', () => {
  it('answer that promotions are not configured', async () => {
    const { fleet, cleanup } = await startTestFleet({ appsPerInstance: 0 });
    const backend = await startGitopsBackend({
      fleet,
      gitops: g => ({ ...g, repository: undefined }),
      config: actionsConfig,
    });
    try {
      for (const name of ['preview-promotion', 'create-promotion']) {
        const res = await invoke(backend, OWNER, name, {
          entityRef: 'payments-api',
          from: 'dev',
          to: 'staging',
        });
        expect(res.status).toBe(503);
        expect(res.body.error.message).toBe(
          'Promotions are not enabled: configure the gitops repository (gitops.repository.url) of the GitOps backend',
        );
      }
    } finally {
      await backend.stop();
      await cleanup();
    }
  });
});
