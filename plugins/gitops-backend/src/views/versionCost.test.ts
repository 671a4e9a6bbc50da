import {
  compareVersionCost,
  deployedVersion,
  perDayWithin,
  versionPeriods,
} from './versionCost';

const at = (iso: string) => Date.parse(iso);
const days = (from: string, totals: number[]) =>
  totals.map((total, i) => ({
    date: new Date(at(`${from}T00:00:00Z`) + i * 86_400_000)
      .toISOString()
      .slice(0, 10),
    total,
  }));

describe('the cost of a version', () => {
  it('reads the version from the entity’s own image, else the one tag all images share', () => {
    expect(
      deployedVersion(
        ['reg/payments-api:1.4.0', 'reg/envoy:1.29.0'],
        'payments-api',
      ),
    ).toBe('1.4.0');
    expect(deployedVersion(['reg/api:2.0.0', 'reg/worker:2.0.0'], 'x')).toBe(
      '2.0.0',
    );
    expect(deployedVersion(['reg/api:2.0.0', 'reg/worker:2.1.0'], 'x')).toBe(
      undefined,
    );
    expect(deployedVersion([], 'x')).toBeUndefined();
  });

  it('cuts periods at version changes; a redeploy or an unknown version does not', () => {
    const now = at('2026-11-10T00:00:00Z');
    expect(
      versionPeriods(
        [
          { version: '1.4.0', at: at('2026-11-05T10:00:00Z') },
          { version: '1.3.0', at: at('2026-11-01T10:00:00Z') },
          { at: at('2026-11-03T10:00:00Z') },
          { version: '1.3.0', at: at('2026-11-04T10:00:00Z') },
        ],
        now,
      ),
    ).toEqual([
      {
        version: '1.3.0',
        start: at('2026-11-01T10:00:00Z'),
        end: at('2026-11-05T10:00:00Z'),
      },
      { version: '1.4.0', start: at('2026-11-05T10:00:00Z'), end: now },
    ]);
  });

  it('counts only the whole days a version ran', () => {
    const period = {
      version: '1.3.0',
      start: at('2026-11-01T10:00:00Z'),
      end: at('2026-11-04T10:00:00Z'),
    };
    // 1 Nov and 4 Nov are partial: 2 and 3 Nov count.
    expect(
      perDayWithin(period, days('2026-11-01', [100, 10, 20, 100])),
    ).toEqual({ perDay: 15, days: 2 });
  });

  it('+12 % per day in staging since 1.4.0', () => {
    const result = compareVersionCost({
      version: '1.4.0',
      periods: versionPeriods(
        [
          { version: '1.3.0', at: at('2026-11-01T00:00:00Z') },
          { version: '1.4.0', at: at('2026-11-04T00:00:00Z') },
        ],
        at('2026-11-06T12:00:00Z'),
      ),
      daily: days('2026-11-01', [10, 10, 10, 11.2, 11.2, 50]),
    });
    expect(result).toMatchObject({
      state: 'ok',
      since: '2026-11-04T00:00:00.000Z',
      perDay: 11.2,
      days: 2,
      previousVersion: '1.3.0',
      previousPerDay: 10,
      previousDays: 3,
    });
    expect(result.change).toBeCloseTo(0.12, 5);
  });

  it('says "not enough data" when the version ran less than a day, or nothing ran before it', () => {
    const periods = versionPeriods(
      [
        { version: '1.3.0', at: at('2026-11-01T00:00:00Z') },
        { version: '1.4.0', at: at('2026-11-05T09:00:00Z') },
      ],
      at('2026-11-05T20:00:00Z'),
    );
    const daily = days('2026-11-01', [10, 10, 10, 10, 12]);
    expect(
      compareVersionCost({ version: '1.4.0', periods, daily }),
    ).toMatchObject({
      state: 'not-enough-data',
      reason: '1.4.0 has run less than a full day',
      previousVersion: '1.3.0',
      previousPerDay: 10,
    });
    expect(
      compareVersionCost({ version: '1.3.0', periods, daily }),
    ).toMatchObject({
      state: 'not-enough-data',
      reason: 'no earlier version is on record here',
      perDay: 10,
    });
    expect(compareVersionCost({ version: '9.9.9', periods, daily }).state).toBe(
      'not-enough-data',
    );
  });
});
