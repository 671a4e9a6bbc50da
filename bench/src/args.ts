import path from 'node:path';
import type { PluginId } from './lib/backends';
import { ROOT } from './lib/proc';

/** Every knob of bench/run.sh (bench/README.md lists them). */
export interface Args {
  quick: boolean;
  only?: 'side-by-side' | 'scale' | 'estate';
  reportOnly: boolean;
  keep: boolean;
  out: string;
  /** Side by side: the fleet and the catalog. */
  instances: number;
  apps: number;
  entities: number;
  /** Which runs of the side by side (all four by default; `none` is the host baseline). */
  plugins: PluginId[];
  /** Seconds per load level. */
  durationS: number;
  /** Closed-loop viewers of the saturation levels. */
  viewers: number;
  /** Open-loop rate of our overview (views/s). */
  rate: number;
  propagationSamples: number;
  /** Scale curve: applications per instance, seconds per level, the resync that is timed. */
  scaleApps: number[];
  scaleDurationS: number;
  resyncMinutes: number;
  /** CPUs for the backend under test and for everything else (`taskset -c`); `--no-pin` off. */
  backendCpus?: string;
  benchCpus?: string;
  /** Ours from its TypeScript sources (`--from-source`) instead of built, as deployed. */
  fromSource: boolean;
  /** The longest idle wait for V8 to give memory back before the steady RSS is read. */
  settleS: number;
  /** Options for the simulated fleet, JSON (default `{"argo":{"reconcileIntervalMs":0}}`). */
  fleetOptions: Record<string, unknown>;
}

export function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, d: number) => Number(get(name) ?? d);
  const list = (v: string | undefined, d: number[]) =>
    v ? v.split(',').map(Number) : d;
  const noPin = argv.includes('--no-pin');
  const only = get('only');
  if (
    only &&
    only !== 'side-by-side' &&
    only !== 'scale' &&
    only !== 'estate'
  ) {
    throw new Error(`--only ${only}: side-by-side, scale or estate`);
  }
  // The estate's target is of a group of 500 services on 5 × 10,000 applications.
  const estate = only === 'estate';
  return {
    quick: argv.includes('--quick'),
    only: only as Args['only'],
    reportOnly: argv.includes('--report-only'),
    keep: argv.includes('--keep'),
    out: path.resolve(get('out') ?? path.join(ROOT, 'bench/results')),
    instances: num('instances', 5),
    apps: num('apps', estate ? 10000 : 2000),
    entities: num('entities', estate ? 500 : 200),
    plugins: (get('plugins') ?? 'none,ours,roadie,community').split(
      ',',
    ) as PluginId[],
    durationS: num('duration', 15),
    viewers: num('viewers', 50),
    rate: num('rate', 500),
    propagationSamples: num('propagation-samples', 20),
    scaleApps: list(get('scale-apps'), [100, 1000, 2000, 5000, 10000]),
    scaleDurationS: num('scale-duration', 10),
    resyncMinutes: num('resync-minutes', 2),
    fromSource: argv.includes('--from-source'),
    settleS: num('settle', 150),
    backendCpus: noPin ? undefined : get('backend-cpus') ?? '0',
    benchCpus: noPin ? undefined : get('bench-cpus') ?? '1',
    // Argo CD's periodic reconciliation off: nothing changes upstream unless the bench changes
    // it, so "0 calls while nothing changed" is measurable (`--fleet-options '{}'` turns it on).
    fleetOptions: JSON.parse(
      get('fleet-options') ?? '{"argo":{"reconcileIntervalMs":0}}',
    ),
  };
}
