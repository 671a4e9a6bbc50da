import type { ArgoEndpoint, CostEndpoint, KubeEndpoint } from './fleet';

export interface FleetEndpoints {
  argo: ArgoEndpoint[];
  cost: CostEndpoint[];
  kube: KubeEndpoint[];
  git: { url: string; branch: string };
  /** Base URL of the control server, which also serves the repo's files over HTTP. */
  controlUrl?: string;
  /** With HTTPS: the CA (PEM) every Argo CD, cost and kube API's certificate chains to. */
  caCert?: string;
}

/**
 * The `gitops:` app-config block the backend reads (see README). With HTTPS each Argo CD
 * instance and cost engine carries `caCert`; a Velero cluster's kubeconfig carries the CA.
 */
export function buildAppConfig(e: FleetEndpoints): Record<string, unknown> {
  const ca = e.caCert ? { caCert: e.caCert } : {};
  return {
    gitops: {
      environments: ['dev', 'staging', 'prod'],
      argocd: {
        instances: e.argo.map(a => ({
          name: a.name,
          url: a.url,
          webUrl: a.webUrl,
          username: a.username,
          password: a.password,
          ...ca,
        })),
      },
      cost: {
        clusters: e.cost.map(c => ({
          name: c.cluster,
          type: c.type,
          url: c.url,
          currency: 'USD',
          ...ca,
        })),
      },
      velero: {
        clusters: e.kube.map(k => ({
          name: k.cluster,
          kubeconfigPath: k.kubeconfigPath,
          namespace: 'velero',
        })),
      },
      repository: {
        url: e.git.url,
        branch: e.git.branch,
        // Where a file of the repo can be read over HTTP, as a browse URL of a git host would be.
        ...(e.controlUrl
          ? { fileUrlTemplate: `${e.controlUrl}/git/raw/{branch}/{path}` }
          : {}),
      },
    },
    // Lets Backstage's UrlReader (the catalog, the scaffolder) read those files.
    ...(e.controlUrl
      ? {
          backend: {
            reading: { allow: [{ host: new URL(e.controlUrl).host }] },
          },
        }
      : {}),
  };
}
