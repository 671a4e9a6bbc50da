import path from 'node:path';
import { DEFAULT_TLS, type FleetOptions } from './fleetOptions';

/**
 * Whether `fleet-simulator start` serves HTTPS without `--https` / `--plain-http`. Follows
 * startFleet's DEFAULT_TLS (src/fleetOptions.ts: HTTPS); `--plain-http` serves plain HTTP.
 */
export const CLI_DEFAULT_TLS: boolean = DEFAULT_TLS;

export const USAGE = `usage: fleet-simulator start [--dir .fleet] [--config-out <file>] [--instances 2]
       [--apps-per-instance 6] [--clusters 2] [--history-depth 10] [--password <pw>]
       [--argo-ports 7001,7002] [--cost-ports 9001,9002] [--kube-ports 6441,6442] [--control-port 7999]
       [--git-poll-ms 2000] [--reconcile-ms 120000] [--reconcile-jitter-ms 60000]
       [--bad-images 2.1.0-bad,...] [--seed 42] [--host 127.0.0.1]
       [--https | --plain-http] [--argo-path-prefixes /argocd,...]`;

export function parseArgs(argv: string[]): Record<string, string> {
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
const flag = (v?: string) => v !== undefined && v !== 'false';

/** `--plain-http` wins over `--https`; neither: CLI_DEFAULT_TLS. */
export function tlsFromArgs(a: Record<string, string>): boolean {
  if (flag(a['plain-http'])) return false;
  if (flag(a.https)) return true;
  return CLI_DEFAULT_TLS;
}

/** The start command's flags as startFleet options (real clock). */
export function optionsFromArgs(
  a: Record<string, string>,
): FleetOptions & { dir: string } {
  const argo: NonNullable<FleetOptions['argo']> = {};
  if (a['bad-images']) argo.badImages = a['bad-images'].split(',');
  if (a['reconcile-ms'] !== undefined)
    argo.reconcileIntervalMs = Number(a['reconcile-ms']);
  if (a['reconcile-jitter-ms'] !== undefined)
    argo.reconcileJitterMs = Number(a['reconcile-jitter-ms']);
  return {
    dir: path.resolve(a.dir ?? '.fleet'),
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
    argo: Object.keys(argo).length ? argo : undefined,
    tls: tlsFromArgs(a),
    // By instance index; an empty entry leaves that instance at the root.
    argoInstances: a['argo-path-prefixes']
      ?.split(',')
      .map(p => (p.trim() ? { pathPrefix: p.trim() } : undefined)),
  };
}
