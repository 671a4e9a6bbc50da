/**
 * Lets queued I/O (page views) run before the next long synchronous step, such as parsing,
 * validating or serialising thousands of applications.
 */
export const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));
