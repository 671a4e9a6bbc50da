/** The environments of the users' setups, in promotion order. @public */
export const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/**
 * Sorts environment names by the configured promotion order; unknown names go last, alphabetically.
 *
 * @public
 */
export function sortEnvironments(
  names: Iterable<string>,
  order: readonly string[] = DEFAULT_ENVIRONMENTS,
): string[] {
  const rank = (name: string) => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  return [...new Set(names)].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
}

/**
 * The environment a version is promoted to from `from`, or undefined at the end of the chain.
 *
 * @public
 */
export function nextEnvironment(
  from: string,
  order: readonly string[] = DEFAULT_ENVIRONMENTS,
): string | undefined {
  const index = order.indexOf(from);
  return index === -1 ? undefined : order[index + 1];
}
