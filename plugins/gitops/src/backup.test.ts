import type { EnvironmentBackup } from '@internal/backstage-plugin-gitops-common';
import { backupAgeSeconds, isRpoExceeded } from './backup';

const HOUR = 3600;
const backup = (over: Partial<EnvironmentBackup>): EnvironmentBackup => ({
  schedules: [],
  failures: [],
  uncoveredNamespaces: [],
  unavailableLocations: [],
  ...over,
});

describe('backupAgeSeconds', () => {
  const now = Date.parse('2026-11-24T02:05:00.000Z');

  it('counts from the last successful backup to now, not to the view', () => {
    expect(
      backupAgeSeconds(
        backup({
          lastSuccessfulAt: '2026-11-23T02:05:00.000Z',
          rpoSeconds: 2 * HOUR,
        }),
        now,
      ),
    ).toBe(24 * HOUR);
  });

  it('falls back to rpoSeconds without a time, and is undefined without either', () => {
    expect(backupAgeSeconds(backup({ rpoSeconds: 5 * HOUR }), now)).toBe(
      5 * HOUR,
    );
    expect(backupAgeSeconds(backup({}), now)).toBeUndefined();
    expect(
      backupAgeSeconds(
        backup({ lastSuccessfulAt: 'not a date', rpoSeconds: HOUR }),
        now,
      ),
    ).toBe(HOUR);
  });

  it('never goes negative when the browser clock is behind', () => {
    expect(
      backupAgeSeconds(
        backup({ lastSuccessfulAt: '2026-11-24T03:00:00.000Z' }),
        now,
      ),
    ).toBe(0);
  });
});

describe('isRpoExceeded', () => {
  it('compares the age with the target when both exist', () => {
    const b = backup({ rpoTargetSeconds: 26 * HOUR });
    expect(isRpoExceeded(b, 27 * HOUR)).toBe(true);
    expect(isRpoExceeded(b, 25 * HOUR)).toBe(false);
    expect(isRpoExceeded(b, undefined)).toBe(false);
    expect(isRpoExceeded(backup({}), 100 * HOUR)).toBe(false);
  });
});
