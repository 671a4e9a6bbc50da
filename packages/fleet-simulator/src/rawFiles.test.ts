import fs from 'node:fs/promises';
import { startFleet, type Fleet } from './fleet';
import { commitToFleet, stopAndClean, tempDir } from './testUtils';

jest.setTimeout(30_000);

describe('files of the gitops repo over HTTP', () => {
  let fleet: Fleet;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    fleet = await startFleet({ dir, clock: 'manual' });
  });
  afterAll(() => stopAndClean(fleet));

  const config = () =>
    fleet.appConfig() as {
      gitops: { repository: { fileUrlTemplate: string } };
      backend: { reading: { allow: Array<{ host: string }> } };
    };
  const fileUrl = (file: string) =>
    config()
      .gitops.repository.fileUrlTemplate.replace('{branch}', 'main')
      .replace('{path}', file);

  it('serves a file at the head of a branch, and lets Backstage read that host', async () => {
    const res = await fetch(fileUrl('registry/versions.yaml'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('payments-api:');
    expect(config().backend.reading.allow).toEqual([
      { host: new URL(fleet.controlUrl).host },
    ]);
  });

  it('follows new commits and answers 404 for files that do not exist', async () => {
    expect((await fetch(fileUrl('catalog/new-svc.yaml'))).status).toBe(404);
    await commitToFleet(fleet, 'Add new-svc', async work => {
      await fs.mkdir(`${work}/catalog`, { recursive: true });
      await fs.writeFile(`${work}/catalog/new-svc.yaml`, 'kind: Component\n');
    });
    const res = await fetch(fileUrl('catalog/new-svc.yaml'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('kind: Component\n');
  });
});
