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
const FIELDS =
  'fields=result.type,result.application.metadata.name,result.application.metadata.resourceVersion';

describe('Argo CD stream faults', () => {
  let fleet: Fleet;
  let main: Awaited<ReturnType<typeof argoClient>>;
  const open = (query: string, accept = SSE) =>
    openRawStream(
      `${main.url}/api/v1/stream/applications?${query}`,
      { authorization: `Bearer ${main.token}`, accept },
      { ca: fleet.tls?.caCert },
    );
  const inst = () => fleet.internals.instances[0];
  /** A stream from a resourceVersion sends nothing at first: open it and wait until it listens. */
  const openListening = async (query: string) => {
    const before = new Set(inst().events.listeners('event'));
    const s = open(query);
    while (
      inst()
        .events.listeners('event')
        .every(l => before.has(l))
    )
      await sleep(10);
    return s;
  };
  const touch = (name: string) => inst().touch(inst().apps.get(name)!);
  const rvOf = (m: any) =>
    Number(m.result.application.metadata.resourceVersion);

  beforeAll(async () => {
    fleet = await startFleet({
      dir: await tempDir(),
      clock: 'manual',
      appsPerInstance: 0,
      argo: { reconcileIntervalMs: 0 },
    });
    main = await argoClient(fleet, 'argocd-main');
  });
  afterEach(() => fleet.control.clearFaults());
  afterAll(() => stopAndClean(fleet));

  it('streamCutAfterEvents cuts new streams after n messages: half a message, then the socket dies', async () => {
    await fleet.control.setFault('argocd-main', { streamCutAfterEvents: 2 });
    const s = open(FIELDS);
    expect(await s.ended).toBe('aborted');
    const text = s.text();
    const messages = text.split('\n\n\n');
    expect(messages).toHaveLength(3);
    expect(sseMessages(messages.slice(0, 2).join('\n\n\n'))).toHaveLength(2);
    // The tail is the first half of the third message: no closing frame.
    expect(messages[2].startsWith('data: {"result":{"application":')).toBe(
      true,
    );
    expect(() => JSON.parse(messages[2].slice(6))).toThrow();
  });

  it('streamCutAfterEvents also cuts streams that were already open', async () => {
    const rv = inst().resourceVersion;
    const s = await openListening(`${FIELDS}&resourceVersion=${rv}`);
    touch('chores-api-dev');
    await s.waitFor(t => sseMessages(t).length === 1);
    await fleet.control.setFault('argocd-main', { streamCutAfterEvents: 1 });
    touch('chores-api-dev');
    touch('chores-api-staging');
    expect(await s.ended).toBe('aborted');
    const msgs = sseMessages(s.text());
    expect(
      msgs.slice(0, 2).map(m => m.result.application.metadata.name),
    ).toEqual(['chores-api-dev', 'chores-api-dev']);
    expect(typeof msgs[2]).toBe('string'); // the half message
  });

  it('duplicateEvents writes each message twice', async () => {
    await fleet.control.setFault('argocd-main', { duplicateEvents: true });
    const s = open(`name=root&${FIELDS}`);
    const text = await s.waitFor(t => t.split('\n\n\n').length === 3);
    const [a, b] = text.split('\n\n\n');
    expect(a).toBe(b);
    s.close();
  });

  it('outOfOrderEvents re-sends the previous version after an event', async () => {
    const rv = inst().resourceVersion;
    await fleet.control.setFault('argocd-main', { outOfOrderEvents: true });
    const s = await openListening(`${FIELDS}&resourceVersion=${rv}`);
    touch('schedule-bot-dev');
    touch('schedule-bot-dev');
    const msgs = sseMessages(await s.waitFor(t => sseMessages(t).length === 3));
    expect(msgs.map(rvOf)).toEqual([
      Number(rv) + 1,
      Number(rv) + 2,
      Number(rv) + 1,
    ]);
    s.close();
  });

  it('malformedEvents puts a broken line before each event', async () => {
    await fleet.control.setFault('argocd-main', { malformedEvents: true });
    const s = open('selector=app%3Dpayments-api');
    // Whole lines only: an event (with ~90 days of history) may arrive in several chunks.
    const dataLines = (t: string) =>
      t
        .split('\n')
        .slice(0, -1)
        .filter(l => l.startsWith('data: '));
    const text = await s.waitFor(t => dataLines(t).length >= 4);
    s.close();
    const lines = dataLines(text);
    const parses = lines.map(l => {
      try {
        JSON.parse(l.slice(6));
        return true;
      } catch {
        return false;
      }
    });
    expect(parses.slice(0, 4)).toEqual([false, true, false, true]);
  });

  it('streamError: the gateway error chunk on an open stream, then the end', async () => {
    const s = open('name=payments-api-dev');
    await s.waitFor(t => t.includes('\n\n\n'));
    await fleet.control.setFault('argocd-main', {
      streamError: { code: 14, message: 'transport is closing' },
    });
    expect(await s.ended).toBe('end');
    const tail = s.text().split('\n\n\n')[1];
    expect(tail).toBe(
      'data: {"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}} \n\n',
    );
  });

  it('streamError on a new stream: the plain error answer (nothing was sent yet)', async () => {
    await fleet.control.setFault('argocd-main', {
      streamError: { code: 14, message: 'connection refused' },
    });
    const res = await main.get('/api/v1/stream/applications?name=root');
    expect(res).toEqual({
      status: 503,
      body: {
        error: 'connection refused',
        code: 14,
        message: 'connection refused',
      },
    });
  });

  it('a projected stream error chunk is empty (include-mode fields drop its key)', async () => {
    const s = open('name=root&fields=result.type');
    await s.waitFor(t => t.includes('\n\n\n'));
    await fleet.control.setFault('argocd-main', {
      streamError: { code: 13, message: 'boom' },
    });
    expect(await s.ended).toBe('end');
    expect(s.text()).toBe(
      'data: {"result":{"type":"ADDED"}} \n\n\ndata: {} \n\n',
    );
  });

  it('the older faults still apply to the stream: status, malformed, latency, down', async () => {
    await fleet.control.setFault('argocd-main', { status: 503 });
    expect((await main.get('/api/v1/stream/applications')).status).toBe(503);
    await fleet.control.setFault('argocd-main', { malformed: true });
    const broken = open('name=root', 'application/json');
    const line = (await broken.waitFor(t => t.includes('\n'))).split('\n')[0];
    expect(() => JSON.parse(line)).toThrow();
    expect(line.startsWith('{"result":{"type":"ADDED"')).toBe(true);
    broken.close();
    await fleet.control.setFault('argocd-main', { latencyMs: 200 });
    const t0 = Date.now();
    const slow = open('name=root');
    await slow.waitFor(t => t.length > 0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    await fleet.control.setFault('argocd-main', { down: true });
    expect(await slow.ended).toBe('aborted');
    await fleet.control.clearFaults();
    await sleep(50);
    const back = open('name=root');
    await back.waitFor(t => t.includes('\n\n\n'));
    back.close();
  });
});
