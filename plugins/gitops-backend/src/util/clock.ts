import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/** The one source of time of the plugin, so tests control it. */
export interface GitopsClock {
  now(): Date;
}

export const systemClock: GitopsClock = { now: () => new Date() };

/**
 * Service ref of the clock. The default is the system clock; tests install a factory with
 * their own (e.g. the simulated fleet's manual clock).
 */
export const gitopsClockServiceRef = createServiceRef<GitopsClock>({
  id: 'gitops.clock',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => systemClock,
    }),
});
