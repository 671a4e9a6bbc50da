import fs from 'node:fs/promises';
import { stringify } from 'yaml';

/**
 * Writes a kubeconfig that @kubernetes/client-node (and kubectl) can use against the subset.
 * With `caCert` (an HTTPS fleet) the cluster carries `certificate-authority-data` (the PEM,
 * base64) and nothing insecure. Without it the server is plain http, which client-node 1.x
 * refuses unless `insecure-skip-tls-verify` is set, so that flag is written then.
 */
export async function writeKubeconfig(
  file: string,
  opts: { cluster: string; server: string; token: string; caCert?: string },
) {
  const { cluster, server, token, caCert } = opts;
  const clusterEntry = caCert
    ? {
        server,
        'certificate-authority-data': Buffer.from(caCert).toString('base64'),
      }
    : { server, 'insecure-skip-tls-verify': true };
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: clusterEntry }],
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
