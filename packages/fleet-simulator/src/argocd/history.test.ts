import { startFleet, Fleet } from '../fleet';
import { git } from '../git/git';
import { argoClient, stopAndClean, tempDir } from '../testUtils';

jest.setTimeout(30_000);

const now = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

describe('the backfilled deployment history through the Argo CD API', () => {
  let fleet: Fleet;
  let prod: Awaited<ReturnType<typeof argoClient>>;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      startTime: now,
      appsPerInstance: 2,
      argo: { reconcileIntervalMs: 0 },
    });
    prod = await argoClient(fleet, 'argocd-prod');
  });
  afterAll(() => stopAndClean(fleet));

  it('keeps ~90 days of a seeded app (revisionHistoryLimit 100), the default 10 for filler apps', async () => {
    const app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    expect(app.spec.revisionHistoryLimit).toBe(100);
    const history: any[] = app.status.history;
    expect(history.length).toBeGreaterThan(10);
    expect(history.map(h => h.id)).toEqual(history.map((_, i) => i));
    const oldest = Date.parse(history[0].deployedAt);
    expect((now.getTime() - oldest) / DAY).toBeGreaterThan(89);
    // Prod is synced by people; an Argo CD rollback redeploys an earlier entry's revision.
    expect(history.every(h => h.initiatedBy.username)).toBe(true);
    expect(
      history.some(
        (h, i) =>
          i > 1 &&
          h.revision === history[i - 2].revision &&
          h.revision !== history[i - 1].revision,
      ),
    ).toBe(true);
    // The current state is unchanged: the last deployment is 1.3.0, git says 1.3.1.
    expect(app.status.summary.images).toEqual([
      'registry.example.com/payments-api:1.3.0',
    ]);
    expect(app.status.sync.status).toBe('OutOfSync');

    const filler = (await prod.get('/api/v1/applications/svc-1-00000-prod'))
      .body;
    expect(filler.spec.revisionHistoryLimit).toBeUndefined();
    expect(filler.status.history).toHaveLength(10);
  });

  it("answers a backfilled commit's date, author and message as revision metadata", async () => {
    const app = (await prod.get('/api/v1/applications/payments-api-prod')).body;
    const commitOf = async (revision: string) =>
      (
        await git(['log', '-1', '--format=%aI%x00%an <%ae>%x00%s', revision], {
          cwd: fleet.git.bareRepoPath,
        })
      )
        .trim()
        .split('\0');
    // The oldest promotion a person made (the bootstrap was synced by admin).
    let backfilled: any;
    let commit: string[] = [];
    for (const h of app.status.history.slice(1)) {
      commit = await commitOf(h.revision);
      backfilled = h;
      if (/: promote [\d.]+ to prod$/.test(commit[2])) break;
    }
    const [date, author, subject] = commit;
    const meta = await prod.get(
      `/api/v1/applications/payments-api-prod/revisions/${backfilled.revision}/metadata`,
    );
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      author,
      date: new Date(date).toISOString().replace('.000Z', 'Z'),
      message: subject,
    });
    expect(meta.body.message).toMatch(/^payments-api: promote [\d.]+ to prod$/);
    expect(author).toMatch(/@example\.com>$/);
    // Lead time: the person synced prod 30–120 min after the commit.
    const lead = Date.parse(backfilled.deployedAt) - Date.parse(meta.body.date);
    expect(lead).toBeGreaterThanOrEqual(30 * 60_000);
    expect(lead).toBeLessThanOrEqual(120 * 60_000);
    expect(now.getTime() - Date.parse(meta.body.date)).toBeGreaterThan(
      30 * DAY,
    );
  });
});
