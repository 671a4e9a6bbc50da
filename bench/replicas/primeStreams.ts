/**
 * One change on each Argo CD instance to an application no viewed entity shows (a refresh:
 * one MODIFIED event), after a replica has opened its streams. Like Argo CD's gateway, the
 * simulated one sends nothing on a stream (not even headers or a keepalive) until its first
 * change; a real Argo CD reconciles every application every 3 minutes, but this bench runs the
 * fleet with reconciliation off, and a replica gives up on a stream silent for 50 s and lists
 * again (bench/README.md, findings). The calls made here fall outside the counted windows.
 */
import fs from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { request, withToken } from './http';
import { VIEWED_ENTITIES } from './settings';

type Instance = {
  name: string;
  url: string;
  username: string;
  password: string;
  /** The fleet's CA on HTTPS (its default). */
  caCert?: string;
};

export async function primeStreams(fleetConfig: string) {
  const config = parseYaml(await fs.readFile(fleetConfig, 'utf8'));
  const instances = config.gitops.argocd.instances as Instance[];
  const viewed = VIEWED_ENTITIES.map(r => r.split('/')[1]);
  for (const i of instances) {
    const ca = i.caCert;
    const session = await request(`${i.url}/api/v1/session`, {
      method: 'POST',
      body: { username: i.username, password: i.password },
      ca,
    });
    const token = JSON.parse(session.body).token as string;
    const list = await request(
      `${i.url}/api/v1/applications?fields=items.metadata.name`,
      { headers: withToken(token), ca },
    );
    const names = (
      (JSON.parse(list.body).items ?? []) as Array<{
        metadata: { name: string };
      }>
    ).map(x => x.metadata.name);
    const target = names
      .reverse()
      .find(n => !viewed.some(v => n.startsWith(`${v}-`)));
    if (target)
      await request(
        `${i.url}/api/v1/applications/${encodeURIComponent(
          target,
        )}?refresh=normal`,
        { headers: withToken(token), ca },
      );
  }
}
