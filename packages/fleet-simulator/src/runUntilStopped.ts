import type { Fleet } from './fleet';

/**
 * Keeps a process serving the fleet until SIGINT or SIGTERM, then stops it and exits: the
 * services' own timers are unref'd, so without this the process would end at once.
 */
export function runUntilStopped(fleet: Pick<Fleet, 'stop'>): void {
  const shutdown = async () => {
    await fleet.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  setInterval(() => undefined, 1 << 30);
}
