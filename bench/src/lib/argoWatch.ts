import { argoFetch, type FleetArgo } from './fleet';
import { sleep } from './proc';

/**
 * The bench's own watch on every Argo CD instance's application stream (names only), so a
 * level can say whether anything changed upstream while it ran: "0 Argo CD calls while nothing
 * changed" needs to know that nothing did. It lists first (a projected list, for its
 * resourceVersion) and streams from there; a fleet that replays everything on connect sends its
 * burst before `start()` resolves (1 s of quiet), which is not counted.
 */
export function watchArgoChanges(argo: FleetArgo[]) {
  const abort = new AbortController();
  let events = 0;
  let reconnects = 0;
  let lastEventAt = Date.now();

  const follow = async (a: FleetArgo) => {
    const headers = { authorization: `Bearer ${a.token}` };
    while (!abort.signal.aborted) {
      try {
        const list = await argoFetch(
          a,
          `${a.url}/api/v1/applications?fields=metadata.resourceVersion,items.metadata.name`,
          { headers, signal: abort.signal },
        );
        const rv = ((await list.json()) as any)?.metadata?.resourceVersion;
        const query = new URLSearchParams({
          fields: 'result.type,result.application.metadata.name',
          ...(rv ? { resourceVersion: String(rv) } : {}),
        });
        const res = await argoFetch(
          a,
          `${a.url}/api/v1/stream/applications?${query}`,
          {
            headers,
            signal: abort.signal,
          },
        );
        const decoder = new TextDecoder();
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          const text = decoder.decode(chunk, { stream: true });
          const n = text.split('\n').filter(l => l.startsWith('data:')).length;
          if (n) {
            events += n;
            lastEventAt = Date.now();
          }
        }
      } catch {
        // aborted, or the stream broke: reconnect below
      }
      if (abort.signal.aborted) return;
      reconnects++;
      await sleep(1000);
    }
  };
  const running = argo.map(a => follow(a));

  return {
    /** Resolves once the streams have been quiet for `quietMs` (a replay on connect is over). */
    async start(quietMs = 1000, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      await sleep(quietMs);
      while (Date.now() - lastEventAt < quietMs && Date.now() < deadline) {
        await sleep(100);
      }
    },
    events: () => events,
    reconnects: () => reconnects,
    async stop() {
      abort.abort();
      await Promise.allSettled(running);
    },
  };
}
