import type { ArgoEndpoint, CostEndpoint, KubeEndpoint } from './fleet';

export interface FleetEndpoints {
  argo: ArgoEndpoint[];
  cost: CostEndpoint[];
  kube: KubeEndpoint[];
  git: { url: string; branch: string };
  /** Base URL of the control server, which also serves the repo's files over HTTP. */
  controlUrl?: string;
}

/** The `gitops:` app-config block the backend reads (see README). */
export function buildAppConfig(e: FleetEndpoints): Record<string, unknown> {
  return {
    gitops: {
      environments: ['dev', 'staging', 'prod'],
      argocd: {
        instances: e.argo.map(a => ({
          name: a.name,
          url: a.url,
          username: a.username,
          password: a.password,
        })),
      },
      cost: {
        clusters: e.cost.map(c => ({
          name: c.cluster,
          type: c.type,
          url: c.url,
          currency: 'USD',
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
