/**
 * Orders two Kubernetes-style resourceVersions: negative when `a` is older, 0 when equal,
 * positive when newer; undefined when either is missing or not a number (then they can't be
 * ordered, as the Kubernetes API documents them as opaque; Argo CD itself compares them as
 * integers).
 */
export function compareResourceVersions(
  a: string | undefined,
  b: string | undefined,
): number | undefined {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  if (a.length !== b.length) return a.length - b.length;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
