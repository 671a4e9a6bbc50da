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
  return [...new Set(names)].sort(compareEnvironments(order));
}

/**
 * Compares environment names by the configured promotion order; unknown names go last,
 * alphabetically.
 *
 * @public
 */
export function compareEnvironments(
  order: readonly string[] = DEFAULT_ENVIRONMENTS,
): (a: string, b: string) => number {
  const rank = (name: string) => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * Whether an environment counts as production (`gitops.productionEnvironments`), compared
 * case-insensitively.
 *
 * @public
 */
export function isProductionIn(
  productionEnvironments: readonly string[],
): (environment: string) => boolean {
  const production = new Set(productionEnvironments.map(e => e.toLowerCase()));
  return environment => production.has(environment.toLowerCase());
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
