import type * as KubeClient from '@kubernetes/client-node';

let loaded: typeof KubeClient | undefined;

/**
 * `@kubernetes/client-node`, loaded on first use: it is some 50 MB of RSS, so a portal without a
 * Velero cluster never loads it (the kubernetes plugin defers it the same way). A `require` of
 * the package stays as it is in the built plugin and under jest, where `import()` would not.
 */
export function kubeClient(): typeof KubeClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('@kubernetes/client-node') as typeof KubeClient;
  return loaded;
}
