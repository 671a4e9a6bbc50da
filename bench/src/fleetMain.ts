/* eslint-disable no-console */
/**
 * The simulated fleet as its own process for the bench (so its CPU and memory are not the load
 * generator's): `startFleet` of @internal/fleet-simulator with the options given as JSON, then
 * the app-config fragment and the endpoints (with the instances' static API tokens) written
 * for the bench; runs until SIGTERM.
 *
 *   node --require <nodeTransform.cjs> bench/src/fleetMain.ts '<FleetOptions JSON>' <out dir>
 *
 * Options the installed fleet does not know (e.g. a newer behaviour knob) are passed as given.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { runUntilStopped, startFleet } from '@internal/fleet-simulator';

async function main() {
  const [json, outDir] = process.argv.slice(2);
  const options = JSON.parse(json);
  const fleet = await startFleet(options);
  await fs.mkdir(outDir, { recursive: true });
  await fs.writeFile(
    path.join(outDir, 'app-config.fleet.yaml'),
    `# Written by bench/src/fleetMain.ts; valid while it runs.\n${fleet.appConfigYaml()}`,
  );
  // Written last: its presence says the fleet is up.
  await fs.writeFile(
    path.join(outDir, 'endpoints.json'),
    JSON.stringify(
      {
        argo: fleet.argo,
        cost: fleet.cost,
        kube: fleet.kube.map(k => ({ cluster: k.cluster, url: k.url })),
        controlUrl: fleet.controlUrl,
        // HTTPS (the default): the CA the bench's calls and the backends trust.
        tls: fleet.tls,
        options,
      },
      null,
      2,
    ),
  );
  console.log(
    `fleet up: ${fleet.argo.length} Argo CD instances, control ${fleet.controlUrl}`,
  );
  runUntilStopped(fleet);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
