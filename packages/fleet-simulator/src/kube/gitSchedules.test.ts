import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { startFleet, Fleet } from '../fleet';
import { commitToFleet, stopAndClean, tempDir } from '../testUtils';

jest.setTimeout(30_000);

// What gitops:manifests:create writes for a new service's staging environment.
const schedule = {
  apiVersion: 'velero.io/v1',
  kind: 'Schedule',
  metadata: {
    name: 'payments-api-staging-nightly',
    namespace: 'velero',
    labels: { app: 'payments-api', environment: 'staging' },
  },
  spec: {
    schedule: '30 2 * * *',
    template: { includedNamespaces: ['payments-api-staging'], ttl: '168h0m0s' },
  },
};

describe('Velero Schedules from git', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      startTime: new Date('2026-11-23T01:00:00Z'),
    });
  });
  afterAll(() => stopAndClean(fleet));

  const schedulesIn = (cluster: string) =>
    fleet.internals.velero.find(v => v.cluster === cluster)!.store.schedules;

  it('applies a committed Schedule to the cluster hosting its namespace, which then backs up', async () => {
    const cluster = fleet.internals.velero.find(v =>
      [...v.store.schedules.values()].some(s =>
        s.spec.template.includedNamespaces.includes('payments-api-staging'),
      ),
    )!.cluster;
    const others = fleet.internals.velero.filter(v => v.cluster !== cluster);
    expect(schedulesIn(cluster).has(schedule.metadata.name)).toBe(false);

    await commitToFleet(
      fleet,
      'backup: nightly staging schedule',
      async dir => {
        await fs.mkdir(path.join(dir, 'backup'), { recursive: true });
        await fs.writeFile(
          path.join(dir, 'backup/payments-api-staging-schedule.yaml'),
          stringify(schedule),
        );
      },
    );
    expect(await fleet.control.pollGit()).toBe(true);

    const applied = schedulesIn(cluster).get(schedule.metadata.name);
    expect(applied.status.phase).toBe('Enabled');
    expect(applied.spec.template.storageLocation).toBe('default');
    for (const v of others)
      expect(v.store.schedules.has(schedule.metadata.name)).toBe(false);

    // 02:30 UTC comes 90 minutes after the fleet's start: the first backup runs and completes.
    await fleet.control.advance(2 * 3600_000);
    const backups = [
      ...fleet.internals.velero
        .find(v => v.cluster === cluster)!
        .store.backups.values(),
    ].filter(
      b =>
        b.metadata.labels['velero.io/schedule-name'] === schedule.metadata.name,
    );
    expect(backups.map(b => b.status.phase)).toEqual(['Completed']);
    expect(
      schedulesIn(cluster).get(schedule.metadata.name).status.lastBackup,
    ).toBe('2026-11-23T02:30:00Z');
  });
});
