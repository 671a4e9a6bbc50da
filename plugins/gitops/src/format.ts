/** Formatting shared by the cards. Pure functions, so they are tested without rendering. */

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** `3 h`, `2 d 4 h`, `45 min`: durations as people read them on a dashboard. */
export function formatDuration(seconds: number): string {
  // Rounded to the unit shown first, so 59.6 min reads `1 h` and 1 d 23.6 h reads `2 d`.
  const secs = Math.max(0, Math.round(seconds));
  if (secs < MINUTE) return `${secs} s`;
  const minutes = Math.round(seconds / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(seconds / HOUR);
  if (hours < 24) return `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** `5 min ago` relative to `now` (the clock, see `useNow`; a view's `asOf` can be hours old). */
export function formatAgo(
  iso: string | undefined,
  now: string | number | Date,
): string {
  if (!iso) return 'never';
  const seconds = (new Date(now).getTime() - new Date(iso).getTime()) / 1000;
  if (!Number.isFinite(seconds)) return 'unknown';
  return seconds < 0 ? 'just now' : `${formatDuration(seconds)} ago`;
}

export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      maximumFractionDigits: amount < 10 ? 2 : 0,
    }).format(amount);
  } catch {
    // An unknown currency code from config still shows the amount.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

export function formatPercent(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`;
}

/** The tag of an image reference (`registry/app:1.4.0` → `1.4.0`), ignoring registry ports. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

export function shortRevision(revision: string | undefined): string {
  return revision ? revision.slice(0, 7) : '—';
}
