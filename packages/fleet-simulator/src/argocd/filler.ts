import { ENV_POLICY, Env, REGISTRY } from '../seed/layout';
import { SeedDeployment } from '../seed/seedRepo';
import { ArgoInstance } from './instance';

/**
 * Synthetic in-memory apps for scale: `svc-<instance>-<n>-<env>`, Synced and Healthy, with
 * a full history, spread over the environments the instance hosts.
 */
export function addFillerApps(
  inst: ArgoInstance,
  index: number,
  count: number,
  headSha: string,
  repoURL: string,
  now: Date,
) {
  const envsByIndex: Env[][] = [['dev', 'staging'], ['prod']];
  const envs: Env[] = envsByIndex[index] ?? ['dev', 'staging', 'prod'];
  const depth = inst.behaviour.historyDepth;
  for (let n = 0; n < count; n++) {
    const env = envs[n % envs.length];
    const service = `svc-${index}-${String(n).padStart(5, '0')}`;
    const name = `${service}-${env}`;
    const policy = ENV_POLICY[env];
    const tag = `1.${n % 10}.${n % 7}`;
    const seed: SeedDeployment[] = Array.from({ length: depth }, (_, i) => ({
      sha: headSha,
      tag,
      deployedAt: new Date(now.getTime() - (depth - i) * 6 * 3600_000),
      initiatedBy: policy.automated
        ? { automated: true }
        : { username: 'admin' },
    }));
    const manifest = {
      metadata: {
        name,
        namespace: 'argocd',
        labels: {
          'app.kubernetes.io/name': service,
          app: service,
          environment: env,
          team: `team-${n % 7}`,
          synthetic: 'true',
        },
      },
      spec: {
        project: `team-${n % 7}`,
        source: {
          repoURL,
          path: `apps/${service}/overlays/${env}`,
          targetRevision: 'main',
        },
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: `${service}-${env}`,
        },
        syncPolicy: {
          ...(policy.automated
            ? { automated: { prune: true, selfHeal: true } }
            : {}),
          syncOptions: ['CreateNamespace=true', 'PruneLast=true'],
        },
      },
    };
    inst.upsert(
      manifest,
      headSha,
      {
        image: `${REGISTRY}/${service}`,
        tag,
        replicas: policy.replicas,
        cpu: policy.cpu,
        memory: policy.memory,
      },
      { filler: true, seed },
    );
  }
}
