import { createHash } from 'node:crypto';

/** A short, stable digest of a serialised answer: its ETag and change marker. */
export const contentHash = (text: string) =>
  createHash('sha1').update(text).digest('base64url').slice(0, 20);
