import {
  formatAgo,
  formatDuration,
  formatMoney,
  formatPercent,
  imageTag,
  shortRevision,
} from './format';

describe('format', () => {
  it('formats durations at the scale that matters', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(45 * 60)).toBe('45 min');
    expect(formatDuration(3 * 3600)).toBe('3 h');
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe('2 d 4 h');
    expect(formatDuration(3 * 86400)).toBe('3 d');
    // Rounding carries into the next unit instead of showing `60 min` or `1 d 24 h`.
    expect(formatDuration(59.7)).toBe('1 min');
    expect(formatDuration(59 * 60 + 50)).toBe('1 h');
    expect(formatDuration(23 * 3600 + 50 * 60)).toBe('1 d');
    expect(formatDuration(86400 + 23 * 3600 + 50 * 60)).toBe('2 d');
  });

  it('formats times relative to the overview time', () => {
    const now = '2026-11-23T12:00:00Z';
    expect(formatAgo('2026-11-23T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo(undefined, now)).toBe('never');
    expect(formatAgo('2026-11-23T12:01:00Z', now)).toBe('just now');
  });

  it('formats money with the configured currency, even an unknown one', () => {
    expect(formatMoney(1234.5, 'USD')).toBe('$1,235');
    expect(formatMoney(3.456, 'EUR')).toBe('€3.46');
    expect(formatMoney(3, 'NOT-A-CODE')).toBe('3.00 NOT-A-CODE');
  });

  it('reads image tags, also behind a registry port', () => {
    expect(imageTag('registry.example.com/payments-api:1.4.0')).toBe('1.4.0');
    expect(imageTag('localhost:5000/app:2.0.0@sha256:abc')).toBe('2.0.0');
    expect(imageTag('localhost:5000/app')).toBeUndefined();
  });

  it('shortens revisions and percentages', () => {
    expect(shortRevision('0123456789abcdef')).toBe('0123456');
    expect(shortRevision(undefined)).toBe('—');
    expect(formatPercent(0.456)).toBe('46%');
    expect(formatPercent(undefined)).toBe('—');
  });
});
