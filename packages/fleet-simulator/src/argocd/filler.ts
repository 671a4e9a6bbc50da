import { ENV_POLICY, Env, REGISTRY } from '../seed/layout';
import { SeedDeployment } from '../seed/seedRepo';
import { ArgoInstance } from './instance';

/**
 * Synthetic in-memory apps for scale: `svc-<instance>-<s>-<env>`, Synced and Healthy, with
 * a full history. Consecutive apps of an instance share a service, one per environment the
 * instance hosts (service index s = floor(n / environments)): on an instance hosting dev,
 * staging and prod, `svc-2-00000-dev`, `svc-2-00000-staging`, `svc-2-00000-prod`, then
 * `svc-2-00001-dev`, ... Every app carries `app.kubernetes.io/name=<service>` and `app=<service>`.
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
    const s = Math.floor(n / envs.length);
    const service = `svc-${index}-${String(s).padStart(5, '0')}`;
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
          team: `team-${s % 7}`,
          synthetic: 'true',
        },
      },
      spec: {
        project: `team-${s % 7}`,
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
