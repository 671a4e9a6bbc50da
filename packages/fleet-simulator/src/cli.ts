/* eslint-disable no-console */
import fs from 'node:fs/promises';
import path from 'node:path';
import { startFleet, FleetOptions } from './fleet';

const USAGE = `usage: fleet-simulator start [--dir .fleet] [--config-out <file>] [--instances 2]
       [--apps-per-instance 6] [--clusters 2] [--history-depth 10] [--password <pw>]
       [--argo-ports 7001,7002] [--cost-ports 9001,9002] [--kube-ports 6441,6442] [--control-port 7999]
       [--git-poll-ms 2000] [--bad-images 2.1.0-bad,...] [--seed 42]`;

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2);
    out[k] =
      inline ??
      (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
  }
  return out;
}

const ports = (v?: string) => (v ? v.split(',').map(Number) : undefined);
const num = (v?: string) => (v === undefined ? undefined : Number(v));

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd !== 'start') {
    console.error(USAGE);
    process.exit(cmd === '--help' || cmd === 'help' ? 0 : 2);
  }
  const a = parseArgs(rest);
  const dir = path.resolve(a.dir ?? '.fleet');
  const opts: FleetOptions = {
    dir,
    clock: 'real',
    instances: num(a.instances),
    appsPerInstance: num(a['apps-per-instance']),
    clusters: num(a.clusters),
    historyDepth: num(a['history-depth']),
    password: a.password,
    gitPollIntervalMs: num(a['git-poll-ms']),
    seed: num(a.seed),
    host: a.host,
    ports: {
      argo: ports(a['argo-ports']),
      cost: ports(a['cost-ports']),
      kube: ports(a['kube-ports']),
      control: num(a['control-port']),
    },
    argo: a['bad-images']
      ? { badImages: a['bad-images'].split(',') }
      : undefined,
  };
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
  console.log(`  control ${fleet.controlUrl}/control/counts`);
  console.log(`  app-config fragment: ${configOut}`);
  const shutdown = async () => {
    await fleet.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  // Keep the process alive: the services' timers are unref'd.
  setInterval(() => undefined, 1 << 30);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
