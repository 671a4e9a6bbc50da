import fs from 'node:fs';
import path from 'node:path';

/**
 * The e2e runs on the HTTPS fleet (the default of scripts/serve-e2e.sh's fleet): the fragment the
 * backend reads points at https URLs and carries the fleet's CA.
 */
function assertHttpsFleet() {
  const fragment = fs.readFileSync(
    path.resolve(__dirname, '../../../.fleet/app-config.fleet.yaml'),
    'utf8',
  );
  if (!/url: https:\/\//.test(fragment) || !fragment.includes('caCert: |')) {
    throw new Error(
      'the e2e fleet does not serve HTTPS (.fleet/app-config.fleet.yaml)',
    );
  }
}

/**
 * The backend answers its health check before the catalog has read the example entities;
 * wait until payments-api is in the catalog, and the guest a member of its owning team (the
 * notifications backend resolves an entity's owners through those relations), so the first
 * test doesn't race the ingestion.
 */
export default async function globalSetup() {
  assertHttpsFleet();
  const base = process.env.PLAYWRIGHT_URL ?? 'http://localhost:7007';
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const auth = await fetch(`${base}/api/auth/guest/refresh`);
      const { backstageIdentity } = await auth.json();
      const headers = { Authorization: `Bearer ${backstageIdentity.token}` };
      const res = await fetch(
        `${base}/api/catalog/entities/by-name/component/default/payments-api`,
        { headers },
      );
      const team = await fetch(
        `${base}/api/catalog/entities/by-name/group/default/team-payments`,
        { headers },
      );
      const members = team.ok ? (await team.json()).relations ?? [] : [];
      const stitched = members.some(
        (r: { type: string; targetRef: string }) =>
          r.type === 'hasMember' && r.targetRef === 'user:default/guest',
      );
      if (res.ok && stitched) return;
      last = `catalog answered ${res.status}, guest in team-payments: ${stitched}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`payments-api never appeared in the catalog: ${last}`);
}
