/*
 * kubernetes-models and the @kubernetes-models/* packages are ESM-only (their `exports` only
 * have an `import` condition), while this backend module is compiled to CommonJS. They are
 * therefore loaded with a dynamic `import()`, which Node.js supports from CommonJS and which the
 * Backstage CLI keeps as is for backend packages. Tests resolve them through `jestResolver.cjs`.
 */

async function load() {
  const [
    service,
    serviceAccount,
    secret,
    configMap,
    deployment,
    statefulSet,
    job,
    cronJob,
    networkPolicy,
    ingress,
    pdb,
    hpa,
    application,
    appProject,
    externalSecret,
    sealedSecret,
  ] = await Promise.all([
    import('kubernetes-models/v1/Service'),
    import('kubernetes-models/v1/ServiceAccount'),
    import('kubernetes-models/v1/Secret'),
    import('kubernetes-models/v1/ConfigMap'),
    import('kubernetes-models/apps/v1/Deployment'),
    import('kubernetes-models/apps/v1/StatefulSet'),
    import('kubernetes-models/batch/v1/Job'),
    import('kubernetes-models/batch/v1/CronJob'),
    import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy'),
    import('kubernetes-models/networking.k8s.io/v1/Ingress'),
    import('kubernetes-models/policy/v1/PodDisruptionBudget'),
    import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'),
    import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application'),
    import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject'),
    import(
      '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret'
    ),
    import(
      '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret'
    ),
  ]);
  return {
    Service: service.Service,
    ServiceAccount: serviceAccount.ServiceAccount,
    Secret: secret.Secret,
    ConfigMap: configMap.ConfigMap,
    Deployment: deployment.Deployment,
    StatefulSet: statefulSet.StatefulSet,
    Job: job.Job,
    CronJob: cronJob.CronJob,
    NetworkPolicy: networkPolicy.NetworkPolicy,
    Ingress: ingress.Ingress,
    PodDisruptionBudget: pdb.PodDisruptionBudget,
    HorizontalPodAutoscaler: hpa.HorizontalPodAutoscaler,
    Application: application.Application,
    AppProject: appProject.AppProject,
    ExternalSecret: externalSecret.ExternalSecret,
    SealedSecret: sealedSecret.SealedSecret,
  };
}

/** The kubernetes-models classes the actions build and validate. */
export type Models = Awaited<ReturnType<typeof load>>;

let cached: Promise<Models> | undefined;

/** Loads (once) the kubernetes-models classes. */
export function loadModels(): Promise<Models> {
  cached ??= load();
  return cached;
}

/** A model class: constructed from plain data, `validate()` throws on a schema violation. */
export type ModelClass = new (data: any) => {
  validate(): void;
  toJSON(): unknown;
};

/** Model classes by `<apiVersion>/<kind>`, for validating manifests read from files. */
export function modelsByType(models: Models): Map<string, ModelClass> {
  const map = new Map<string, ModelClass>();
  for (const model of Object.values(models) as unknown as Array<
    ModelClass & { apiVersion: string; kind: string }
  >) {
    map.set(`${model.apiVersion}/${model.kind}`, model);
  }
  return map;
}
