/**
 * Lets queued I/O (page views) run before the next long synchronous step, such as parsing,
 * validating or serialising thousands of applications.
 */
export const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));

/**
 * Long work cut into slices of at most `ms` on the serving loop: `if (slice.spent) await
 * slice.next()` between two steps yields once the slice has run its time (the check itself
 * awaits nothing, so a step that fits costs no extra turn).
 */
export class TimeSlice {
  private start = performance.now();

  constructor(private readonly ms: number) {}

  get spent(): boolean {
    return performance.now() - this.start > this.ms;
  }

  /** Lets queued I/O run, then starts a new slice. */
  async next(): Promise<void> {
    await yieldToEventLoop();
    this.start = performance.now();
  }
}
