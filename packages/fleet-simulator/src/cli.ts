/* eslint-disable no-console */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startFleet } from './fleet';
import { runUntilStopped } from './runUntilStopped';
import { USAGE, optionsFromArgs, parseArgs } from './cliOptions';

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd !== 'start') {
    console.error(USAGE);
    process.exit(cmd === '--help' || cmd === 'help' ? 0 : 2);
  }
  const a = parseArgs(rest);
  const opts = optionsFromArgs(a);
  const dir = opts.dir;
  const fleet = await startFleet(opts);
  const configOut = path.resolve(
    a['config-out'] ?? path.join(dir, 'app-config.fleet.yaml'),
  );
  await fs.mkdir(path.dirname(configOut), { recursive: true });
  await fs.writeFile(
    configOut,
    `# Written by fleet-simulator; valid while it runs.\n${fleet.appConfigYaml()}`,
  );
  console.log('fleet-simulator running');
  for (const i of fleet.argo)
    console.log(
      `  argo  ${i.name.padEnd(14)} ${i.url}  (admin / ${i.password})`,
    );
  for (const c of fleet.cost)
    console.log(`  cost  ${c.cluster.padEnd(14)} ${c.url}  (${c.type})`);
  for (const k of fleet.kube)
    console.log(
      `  kube  ${k.cluster.padEnd(14)} ${k.url}  kubeconfig ${
        k.kubeconfigPath
      }`,
    );
  console.log(`  git   ${fleet.git.url}`);
  if (fleet.tls) console.log(`  CA    ${fleet.tls.caFile}`);
  console.log(`  control ${fleet.controlUrl}/control/counts`);
  console.log(`  app-config fragment: ${configOut}`);
  runUntilStopped(fleet);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
