import { useEffect, useState } from 'react';

/** How often ages on the page move on: they are shown to the minute at best. */
const TICK_MS = 60_000;

/**
 * The current time in milliseconds, re-rendering every minute. The backend recomputes a view
 * only when an input changes (time alone is not a change), so ages (an RPO, "10 min ago") are
 * computed here against the clock, not against the overview's `asOf`. A tick is no request.
 */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}
