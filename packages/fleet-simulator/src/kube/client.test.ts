import { KubeConfig, CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { startFleet, Fleet } from '../fleet';
import { request, stopAndClean, tempDir } from '../testUtils';
import { nextCronTime } from './cron';

jest.setTimeout(30_000);

describe('Kubernetes API subset with @kubernetes/client-node', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    // 01:00 UTC so the daily 02:00 schedule fires within the test.
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      startTime: new Date('2026-11-23T01:00:00Z'),
    });
  });
  afterAll(() => stopAndClean(fleet));

  const client = (cluster: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(
      fleet.kube.find(k => k.cluster === cluster)!.kubeconfigPath,
    );
    return { kc, api: kc.makeApiClient(CustomObjectsApi) };
  };

  it('lists Velero backups with the seeded history and RPO facts', async () => {
    const { api } = client('cluster-prod');
    const list: any = await api.listNamespacedCustomObject({
      group: 'velero.io',
      version: 'v1',
      namespace: 'velero',
      plural: 'backups',
      labelSelector: 'velero.io/schedule-name=schedule-bot-prod-daily',
    });
    expect(list.kind).toBe('BackupList');
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    const phases = list.items.map((b: any) => b.status.phase);
    expect(phases).toHaveLength(7);
    expect(phases[phases.length - 1]).toBe('Failed');
    expect(phases).toContain('PartiallyFailed');
    expect(list.items[0].metadata.name).toMatch(
      /^schedule-bot-prod-daily-\d{14}$/,
    );
    const schedule: any = await api.getNamespacedCustomObject({
      group: 'velero.io',
      version: 'v1',
      namespace: 'velero',
      plural: 'schedules',
      name: 'payments-api-prod-daily',
    });
    expect(schedule.spec.schedule).toBe('0 2 * * *');
    expect(schedule.spec.template.includedNamespaces).toEqual([
      'payments-api-prod',
    ]);
    expect(schedule.status.lastBackup).toBe('2026-11-22T02:00:00Z');
    const bsl: any = await api.listNamespacedCustomObject({
      group: 'velero.io',
      version: 'v1',
      namespace: 'velero',
      plural: 'backupstoragelocations',
    });
    expect(bsl.items[0].status.phase).toBe('Available');
  });

  it('watches backups created by the schedule over simulated time', async () => {
    const { kc } = client('cluster-main');
    const events: Array<[string, string, string]> = [];
    const watch = new Watch(kc);
    const req = await watch.watch(
      '/apis/velero.io/v1/namespaces/velero/backups',
      { labelSelector: 'velero.io/schedule-name=payments-api-staging-daily' },
      (type, obj: any) =>
        events.push([type, obj.metadata.name, obj.status?.phase]),
      () => undefined,
    );
    await new Promise(r => setTimeout(r, 100));
    expect(events.filter(e => e[0] === 'ADDED')).toHaveLength(7);
    await fleet.clock.advance(65 * 60_000); // past 02:00 and the few minutes a backup takes
    await new Promise(r => setTimeout(r, 100));
    req.abort();
    const fresh = events.filter(
      e => e[1] === 'payments-api-staging-daily-20261123020000',
    );
    expect(fresh.map(e => e[2])).toEqual(['New', 'InProgress', 'Completed']);
  });

  it('an Unavailable BackupStorageLocation makes new backups fail validation', async () => {
    fleet.control.setBackupLocationAvailable('cluster-main', false);
    await fleet.clock.advance(24 * 3600_000);
    const { api } = client('cluster-main');
    const b: any = await api.getNamespacedCustomObject({
      group: 'velero.io',
      version: 'v1',
      namespace: 'velero',
      plural: 'backups',
      name: 'payments-api-staging-daily-20261124020000',
    });
    expect(b.status.phase).toBe('FailedValidation');
    const bsl: any = await api.getNamespacedCustomObject({
      group: 'velero.io',
      version: 'v1',
      namespace: 'velero',
      plural: 'backupstoragelocations',
      name: 'default',
    });
    expect(bsl.status.phase).toBe('Unavailable');
  });

  it('rejects requests without the kubeconfig token', async () => {
    const res = await request(
      `${fleet.kube[0].url}/apis/velero.io/v1/namespaces/velero/backups`,
      { ca: fleet.tls?.caCert },
    );
    expect(res.status).toBe(401);
    expect(res.json().kind).toBe('Status');
  });
});

describe('cron', () => {
  it('computes the next fire time in UTC', () => {
    expect(
      new Date(
        nextCronTime('0 2 * * *', Date.parse('2026-11-23T01:59:00Z')),
      ).toISOString(),
    ).toBe('2026-11-23T02:00:00.000Z');
    expect(
      new Date(
        nextCronTime('0 2 * * *', Date.parse('2026-11-23T02:00:00Z')),
      ).toISOString(),
    ).toBe('2026-11-24T02:00:00.000Z');
    expect(
      new Date(
        nextCronTime('*/15 * * * 1-5', Date.parse('2026-11-21T10:00:00Z')),
      ).toISOString(),
    ).toBe('2026-11-23T00:00:00.000Z');
  });
});
