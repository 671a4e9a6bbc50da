import { argoFetch, type FleetArgo } from './fleet';

/**
 * One change on every Argo CD instance, to an application no measured page shows: a refresh
 * (`GET /api/v1/applications/<name>?refresh=normal`, which the simulator answers with one
 * MODIFIED event). Why: like Argo CD's gateway, the simulated one sends nothing on an
 * application stream, not even its headers or a keepalive, until the first change; a real
 * Argo CD reconciles every application every 3 minutes, so its streams are never that quiet,
 * but the bench runs the fleet with its reconciliation off (nothing changes unless the bench
 * changes it). Without this, our backend gives up on a stream that stayed silent for 50 s and
 * lists the instance again (bench/README.md, findings): that is measured on its own, not mixed
 * into every level. Call it after the backend has opened its streams.
 */
export async function primeStreams(
  argo: FleetArgo[],
  shown: (appName: string) => boolean,
) {
  for (const a of argo) {
    const headers = { authorization: `Bearer ${a.token}` };
    const list = await argoFetch(
      a,
      `${a.url}/api/v1/applications?fields=items.metadata.name`,
      { headers },
    );
    const body = (await list.json()) as {
      items?: Array<{ metadata: { name: string } }> | null;
    };
    const names = (body.items ?? []).map(i => i.metadata.name);
    const target = [...names].reverse().find(n => !shown(n));
    if (!target) continue;
    const res = await argoFetch(
      a,
      `${a.url}/api/v1/applications/${encodeURIComponent(
        target,
      )}?refresh=normal`,
      { headers },
    );
    await res.arrayBuffer();
  }
}

/** Whether an application belongs to one of the bench's entities (`<service>-<env>`). */
export const shownBy =
  (entities: Array<{ name: string }>) => (appName: string) =>
    entities.some(e => appName.startsWith(`${e.name}-`));
