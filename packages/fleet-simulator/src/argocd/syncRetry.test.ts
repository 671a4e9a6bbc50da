import { durationMs } from './syncRetry';

describe('durationMs (Go durations of syncPolicy.retry.backoff)', () => {
  it.each([
    ['5s', 5000],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['250ms', 250],
  ])('%s is %d ms', (text, ms) => {
    expect(durationMs(text, -1)).toBe(ms);
  });

  it('falls back on a missing or unreadable duration', () => {
    expect(durationMs(undefined, 5000)).toBe(5000);
    expect(durationMs('soon', 5000)).toBe(5000);
    expect(durationMs('5s later', 5000)).toBe(5000);
  });
});
