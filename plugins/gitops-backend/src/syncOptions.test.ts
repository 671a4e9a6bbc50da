import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { EntityOverview } from '@internal/backstage-plugin-gitops-common';
import type { Fleet } from '@internal/fleet-simulator';
import request from 'supertest';
import {
  OWNER,
  startGitopsBackend,
  startTestFleet,
  type GitopsTestBackend,
} from './__testUtils__/fleetBackend';

jest.setTimeout(60_000);

const base = '/api/gitops/entities/component/default/payments-api';
const SYNC = `${base}/applications/argocd-prod/payments-api-prod/sync`;

describe('sync options: prune needs its own permission, a dry run changes nothing', () => {
  let fleet: Fleet;
  let cleanup: () => Promise<void>;
  let backend: GitopsTestBackend;
  const auditor = mockServices.auditor.mock();

  beforeAll(async () => {
    ({ fleet, cleanup } = await startTestFleet());
    backend = await startGitopsBackend({
      fleet,
      auditor,
      // Owners may sync, nobody may prune.
      deniedPermissions: ['gitops.application.prune'],
    });
  });
  afterAll(async () => {
    await backend.stop();
    await cleanup();
  });
  afterEach(async () => {
    await fleet.clock.advance(20_000);
  });

  const prodApp = () =>
    fleet.internals.instances[1].apps.get('payments-api-prod')!;
  const sync = (body: object) =>
    request(backend.server)
      .post(SYNC)
      .set('authorization', mockCredentials.user.header(OWNER))
      .send(body);
  const argoPosts = () =>
    Object.values(fleet.control.counts().argo)
      .flatMap(x => Object.keys(x))
      .filter(k => k.startsWith('POST'));

  it('says in the overview that the owner may sync but not prune', async () => {
    const overview = (
      await request(backend.server)
        .get(`${base}/overview`)
        .set('authorization', mockCredentials.user.header(OWNER))
    ).body as EntityOverview;
    expect(overview.permissions).toMatchObject({ sync: true, prune: false });
  });

  it('refuses a pruning sync (403 naming prune), audits the refusal, and asks Argo CD nothing', async () => {
    fleet.control.resetCounts();
    auditor.createEvent.mockClear();
    const res = await sync({ prune: true });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Not allowed to prune applications of component:default/payments-api',
    );
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        meta: expect.objectContaining({ action: 'sync', prune: true }),
      }),
    );
    const event = await auditor.createEvent.mock.results[0].value;
    expect(event.fail).toHaveBeenCalled();
    expect(argoPosts()).toEqual([]);
  });

  it('passes a dry run to Argo CD, audited as one, and nothing live changes', async () => {
    auditor.createEvent.mockClear();
    const before = JSON.stringify(prodApp().live);
    const history = prodApp().obj.status.history.length;
    const res = await sync({ dryRun: true });
    expect(res.status).toBe(200);
    expect(prodApp().obj.operation.sync).toMatchObject({ dryRun: true });
    expect(prodApp().obj.operation.sync.prune).toBeUndefined();
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        meta: expect.objectContaining({ action: 'sync', dryRun: true }),
      }),
    );
    await fleet.clock.advance(20_000);
    expect(prodApp().obj.status.operationState.phase).toBe('Succeeded');
    expect(JSON.stringify(prodApp().live)).toBe(before);
    expect(prodApp().obj.status.history.length).toBe(history);
  });

  it('refuses a non-boolean option, naming it', async () => {
    const res = await sync({ dryRun: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^Invalid body\.dryRun: /);
  });
});
