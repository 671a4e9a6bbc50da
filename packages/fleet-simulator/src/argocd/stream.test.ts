import { startFleet, Fleet } from '../fleet';
import {
  argoClient,
  openRawStream,
  sseMessages,
  stopAndClean,
  tempDir,
} from '../testUtils';

jest.setTimeout(30_000);

const SSE = 'text/event-stream';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('Argo CD application stream', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;
  const open = (query: string, accept?: string) =>
    openRawStream(
      `${main.url}/api/v1/stream/applications?${query}`,
      { authorization: `Bearer ${main.token}`, ...(accept ? { accept } : {}) },
      { ca: fleet.tls?.caCert },
    );
  const inst = () => fleet.internals.instances[0];
  const app = (name: string) => inst().apps.get(name)!;

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      argo: { reconcileIntervalMs: 0, streamKeepaliveMs: 150 },
    });
    main = await argoClient(fleet, 'argocd-main');
  });
  afterAll(() => stopAndClean(fleet));

  it('frames SSE as the gateway does: "data: <json> \\n\\n" plus its "\\n" delimiter', async () => {
    const s = open('name=payments-api-dev', SSE);
    const res = await s.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(SSE);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const text = await s.waitFor(t => t.includes('\n\n\n'));
    const json = inst().json(app('payments-api-dev'));
    expect(text).toBe(
      `data: {"result":{"type":"ADDED","application":${json}}} \n\n\n`,
    );
    // Keepalive comments follow, on the real clock.
    await s.waitFor(t => t.endsWith(':\n:\n'), 2000);
    s.close();
  });

  it('without Accept: text/event-stream writes one JSON object per line, no keepalive', async () => {
    const s = open('selector=app%3Dpayments-api');
    const res = await s.response;
    expect(res.headers['content-type']).toBe('application/json');
    await s.waitFor(t => t.split('\n').length > 2);
    await sleep(400);
    const lines = s.text().split('\n');
    expect(lines.pop()).toBe('');
    expect(
      lines.map(l => {
        const r = JSON.parse(l).result;
        return [r.type, r.application.metadata.name];
      }),
    ).toEqual([
      ['ADDED', 'payments-api-dev'],
      ['ADDED', 'payments-api-staging'],
    ]);
    s.close();
  });

  it('with resourceVersion: no replay, no headers before the first event, then newer changes only', async () => {
    const list = (await main.get('/api/v1/applications')).body;
    const rv = list.metadata.resourceVersion;
    const s = open(`resourceVersion=${rv}`, SSE);
    let answered = false;
    void s.response.then(() => {
      answered = true;
    });
    await sleep(300);
    expect(answered).toBe(false);
    inst().touch(app('chores-api-dev'));
    const text = await s.waitFor(t => t.includes('\n\n\n'));
    const [ev] = sseMessages(text);
    expect(ev.result.type).toBe('MODIFIED');
    expect(ev.result.application.metadata.name).toBe('chores-api-dev');
    expect(Number(ev.result.application.metadata.resourceVersion)).toBe(
      Number(rv) + 1,
    );
    s.close();
  });

  it('never sends an app whose resourceVersion is lower than the requested one, even by name', async () => {
    const a = app('schedule-bot-dev');
    const own = Number(a.obj.metadata.resourceVersion);
    const same = open(`name=schedule-bot-dev&resourceVersion=${own}`, SSE);
    // With a name the current state is replayed, if not older than the version asked for.
    expect(sseMessages(await same.waitFor(t => t.includes('\n\n\n')))).toEqual([
      { result: { type: 'ADDED', application: a.obj } },
    ]);
    same.close();
    const future = Number(inst().resourceVersion) + 100;
    const later = open(`name=schedule-bot-dev&resourceVersion=${future}`, SSE);
    inst().touch(a);
    await sleep(300);
    expect(later.text()).toBe('');
    later.close();
  });

  it('projects fields generically: exact paths, string prefixes, exclusion; Go sorts the keys', async () => {
    const first = async (query: string) => {
      const s = open(`name=payments-api-dev&${query}`, SSE);
      const text = await s.waitFor(t => t.includes('\n\n\n'));
      s.close();
      return text.slice('data: '.length, text.indexOf(' \n\n'));
    };
    expect(
      await first(
        'fields=result.type,result.application.metadata.name,result.application.status.sync.status',
      ),
    ).toBe(
      '{"result":{"application":{"metadata":{"name":"payments-api-dev"},"status":{"sync":{"status":"Synced"}}},"type":"ADDED"}}',
    );
    // A parent path keeps its whole subtree (keys sorted at every level).
    const meta = JSON.parse(await first('fields=result.application.metadata'))
      .result.application;
    expect(Object.keys(meta)).toEqual(['metadata']);
    expect(Object.keys(meta.metadata)).toEqual(
      Object.keys(app('payments-api-dev').obj.metadata).sort(),
    );
    // The prefix test is on strings: ".metadata.name" is a prefix of ".metadata.namespace".
    expect(
      JSON.parse(await first('fields=result.application.metadata.namespace'))
        .result,
    ).toEqual({
      application: {
        metadata: { name: 'payments-api-dev', namespace: 'argocd' },
      },
    });
    const excluded = JSON.parse(
      await first('fields=-result.application.status,result.type'),
    ).result;
    expect(Object.keys(excluded)).toEqual(['application']);
    expect(Object.keys(excluded.application)).toEqual(['metadata', 'spec']);
  });

  it('skips a message whose projected bytes equal the last one sent for that app', async () => {
    const s = open(
      'selector=app%3Dchores-api&fields=result.type,result.application.metadata.name,result.application.status.operationState.phase',
      SSE,
    );
    await s.waitFor(t => sseMessages(t).length === 2);
    // New resourceVersions only: the projected bytes repeat, so one MODIFIED goes out.
    for (let i = 0; i < 3; i++) inst().touch(app('chores-api-dev'));
    const res = await main.post('/api/v1/applications/chores-api-dev/sync', {});
    expect(res.status).toBe(200);
    const text = await s.waitFor(t => sseMessages(t).length >= 4);
    await sleep(200);
    const dev = (type: string, phase: string) => ({
      application: {
        metadata: { name: 'chores-api-dev' },
        status: { operationState: { phase } },
      },
      type,
    });
    expect(sseMessages(text).map(m => m.result)).toEqual([
      dev('ADDED', 'Succeeded'),
      {
        application: {
          metadata: { name: 'chores-api-staging' },
          status: { operationState: { phase: 'Succeeded' } },
        },
        type: 'ADDED',
      },
      dev('MODIFIED', 'Succeeded'),
      dev('MODIFIED', 'Running'),
    ]);
    s.close();
    await fleet.clock.advance(30_000);
  });

  it('answers an invalid selector like the server (Unknown, 500)', async () => {
    const res = await main.get(
      `/api/v1/stream/applications?selector=${encodeURIComponent('a b c')}`,
    );
    expect(res.status).toBe(500);
    expect(res.body.code).toBe(2);
    expect(res.body.message).toMatch(/^error parsing labels with selectors: /);
  });

  it('sends DELETED with the resourceVersion of the deletion', async () => {
    const rv = Number(inst().resourceVersion);
    const s = open(`resourceVersion=${rv}&selector=app%3Dschedule-bot`, SSE);
    await sleep(200);
    inst().remove('schedule-bot-staging');
    const [ev] = sseMessages(await s.waitFor(t => t.includes('\n\n\n')));
    expect(ev.result.type).toBe('DELETED');
    expect(ev.result.application.metadata.name).toBe('schedule-bot-staging');
    expect(ev.result.application.metadata.resourceVersion).toBe(String(rv + 1));
    s.close();
  });
});
