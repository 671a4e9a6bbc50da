// A shared piece of test setup that card test files call; exporting it is the point.
/* eslint-disable jest/no-export */
import { AS_OF } from './fixtures';

/**
 * Runs the tests of the calling `describe` at a fixed time (the fixtures' `asOf` unless told),
 * with timers that still advance by themselves, so ages ("10 h ago", an RPO) are stable and a
 * test can move the clock with `jest.advanceTimersByTime`.
 */
export function atFixedTime(iso: string = AS_OF) {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date(iso), advanceTimers: true });
  });
  afterEach(() => {
    jest.useRealTimers();
  });
}
