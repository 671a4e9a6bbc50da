import type { VeleroClusterConfig } from '../../config';
import { upstreamTls } from '../../util/tls';

/** The TLS settings of a Velero cluster, when the wiring did not hand them over. */
export function veleroTls(config: VeleroClusterConfig, index?: number) {
  return upstreamTls(
    'Velero cluster',
    config.name,
    index === undefined
      ? `gitops.velero.clusters (${config.name})`
      : `gitops.velero.clusters[${index}]`,
    config,
    (config.kubeconfigPath && {
      otherCa: "the kubeconfig's certificate-authority-data",
      urlKey: "the kubeconfig's server",
    }) ||
      (config.inCluster && {
        otherCa: "the service account's ca.crt",
        urlKey: 'KUBERNETES_SERVICE_HOST',
      }) ||
      {},
  );
}
