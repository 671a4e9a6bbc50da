import fs from 'node:fs/promises';
import { stringify } from 'yaml';

/**
 * Writes a kubeconfig that @kubernetes/client-node (and kubectl) can use against the subset.
 * client-node 1.x refuses plain-http servers unless `insecure-skip-tls-verify` is set.
 */
export async function writeKubeconfig(
  file: string,
  cluster: string,
  server: string,
  token: string,
) {
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: cluster, cluster: { server, 'insecure-skip-tls-verify': true } },
    ],
    users: [{ name: `${cluster}-velero-reader`, user: { token } }],
    contexts: [
      {
        name: cluster,
        context: {
          cluster,
          user: `${cluster}-velero-reader`,
          namespace: 'velero',
        },
      },
    ],
    'current-context': cluster,
  };
  await fs.writeFile(file, stringify(cfg), { mode: 0o600 });
}
