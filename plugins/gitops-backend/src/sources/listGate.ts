/**
 * One full list at a time in this backend. A list of thousands of applications is parsed and
 * diffed on the serving event loop in small slices; two at once interleave their slices and
 * double the delay a page request sees (and the memory the parses hold at their peak).
 * Instances started together or resyncing together queue here instead; one resyncing keeps its
 * stream open until its turn comes, so nothing is missed while it waits.
 *
 * A turn is taken once the list's answer has started (a hanging upstream holds nobody up), and
 * one held longer than `maxHoldMs` (a slow upstream trickling its body) lets the next one go:
 * the gate bounds overlap, it never makes one upstream's fault another's.
 */
export class ListGate {
  private holder = 0;
  private next = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxHoldMs = 10_000) {}

  /** Resolves with the release once it is this caller's turn; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      // Each refers to the other: the waiter leaves the queue on abort, stops listening on grant.
      const on: { abort?: () => void } = {};
      const grant = () => {
        if (on.abort) signal?.removeEventListener('abort', on.abort);
        const id = ++this.next;
        this.holder = id;
        let timer: ReturnType<typeof setTimeout> | undefined = undefined;
        const passOn = () => {
          clearTimeout(timer);
          if (this.holder !== id) return;
          this.holder = 0;
          this.waiting.shift()?.();
        };
        timer = setTimeout(passOn, this.maxHoldMs);
        timer.unref?.();
        resolve(passOn);
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      on.abort = onAbort;
      if (signal?.aborted) {
        onAbort();
        return;
      }
      if (this.holder === 0) {
        grant();
        return;
      }
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** How many callers wait for their turn. */
  get queued() {
    return this.waiting.length;
  }
}
