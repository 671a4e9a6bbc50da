import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the GitOps suite. Everything is optional. */
  gitops?: {
    /**
     * Environments in promotion order.
     * @visibility frontend
     */
    environments?: string[];
    /**
     * Environments that count as production (default `prod`, `production`): the DORA figures
     * and the notifications' severities.
     * @visibility backend
     */
    productionEnvironments?: string[];
    /**
     * Label on Argo CD applications naming their environment (default `environment`); without
     * it the environment comes from an `-<env>` suffix of the app name or destination namespace.
     * @visibility backend
     */
    environmentLabel?: string;
    /**
     * How often the annotated entities are read again from the catalog, in seconds (default
     * 30): a delta read (their refs and etags, then the changed ones).
     * @visibility backend
     */
    catalogRefreshSeconds?: number;
    /**
     * How long a user's permission decisions (read, sync, promote, ...) are kept, in seconds
     * (default 10; 0 asks the permission policy on every request).
     * @visibility backend
     */
    permissionCacheSeconds?: number;
    argocd?: {
      /**
       * A full re-list of each instance this often, in minutes, while its application stream
       * is healthy (default 10). Between re-lists, changes come from the stream.
       * @visibility backend
       */
      resyncMinutes?: number;
      instances?: Array<{
        /** @visibility frontend */
        name: string;
        /** API base URL. @visibility backend */
        url: string;
        /** UI base URL for deep links (default `url`). @visibility frontend */
        webUrl?: string;
        /** API token (`argocd account generate-token`). @visibility secret */
        token?: string;
        /** Account to log in with when no token is set. @visibility backend */
        username?: string;
        /** @visibility secret */
        password?: string;
        /**
         * Timeout of every call, in ms (default 5000; for the list of all applications, of its
         * first byte and of any silence while it arrives, default 60000). @visibility backend
         */
        timeoutMs?: number;
        /** Cluster (cost / Velero name) that in-cluster destinations run in. @visibility backend */
        cluster?: string;
        /** Destination server URL or name → cluster name. @visibility backend */
        destinationClusters?: { [server: string]: string };
        /**
         * PEM of the CA that signed this instance's certificate (e.g. of Argo CD's self-signed
         * default install, or of an ingress), trusted for this instance only, instead of the
         * system's CAs. Not with `caFile`.
         * @visibility backend
         */
        caCert?: string;
        /** Path of a PEM file with that CA, read at start-up. @visibility backend */
        caFile?: string;
        /**
         * Don't verify this instance's certificate (for a test setup only: logged as a warning
         * at start-up). Not with `caCert` / `caFile`.
         * @visibility backend
         */
        insecureSkipTLSVerify?: boolean;
      }>;
    };
    cost?: {
      /** Default window, e.g. `7d` (default). @visibility frontend */
      window?: string;
      /** Further windows offered on the cost card (default `[30d]`). @visibility frontend */
      windows?: string[];
      /**
       * How often cost totals are read, in minutes (default 60: allocation data has hourly
       * resolution at best). @visibility backend
       */
      refreshMinutes?: number;
      clusters?: Array<{
        /** @visibility backend */
        name: string;
        /** @visibility backend */
        type: 'kubecost' | 'opencost';
        /** @visibility backend */
        url: string;
        /** @visibility backend */
        currency?: string;
        /** Label the allocation is aggregated by (default `app`). @visibility backend */
        labelKey?: string;
        /** Bearer token, when the cost API is behind a proxy that wants one. @visibility secret */
        token?: string;
        /** @visibility backend */
        timeoutMs?: number;
        /**
         * PEM of the CA that signed the cost API's certificate, trusted for it only, instead
         * of the system's CAs. Not with `caFile`.
         * @visibility backend
         */
        caCert?: string;
        /** Path of a PEM file with that CA, read at start-up. @visibility backend */
        caFile?: string;
        /**
         * Don't verify the cost API's certificate (for a test setup only: logged as a warning
         * at start-up). Not with `caCert` / `caFile`.
         * @visibility backend
         */
        insecureSkipTLSVerify?: boolean;
      }>;
    };
    velero?: {
      /** Target RPO in hours. @visibility backend */
      rpoTargetHours?: number;
      clusters?: Array<{
        /** @visibility backend */
        name: string;
        /** @visibility backend */
        kubeconfigPath?: string;
        /** Kubernetes API URL (with `token`). @visibility backend */
        url?: string;
        /** @visibility secret */
        token?: string;
        /** @visibility backend */
        inCluster?: boolean;
        /** Namespace Velero runs in (default `velero`). @visibility backend */
        namespace?: string;
        /**
         * PEM of the CA of the API server's certificate, set on the client's cluster as its
         * `certificate-authority-data` (over a kubeconfig's own). Without it a kubeconfig's
         * CA applies. Not with `caFile`.
         * @visibility backend
         */
        caCert?: string;
        /** Path of a PEM file with that CA (the kubeconfig's `certificate-authority`). @visibility backend */
        caFile?: string;
        /**
         * Don't verify the API server's certificate (the kubeconfig's
         * `insecure-skip-tls-verify`; for a test setup only: logged as a warning at start-up).
         * Not with `caCert` / `caFile`.
         * @visibility backend
         */
        insecureSkipTLSVerify?: boolean;
        /** The older name of `insecureSkipTLSVerify`, still accepted. @visibility backend */
        skipTLSVerify?: boolean;
        /** @visibility backend */
        timeoutMs?: number;
      }>;
    };
    /**
     * The gitops repository Argo CD deploys from. Promotions (a git change moving a version to
     * the next environment) are enabled only when it is set.
     */
    repository?: {
      /**
       * Remote URL (https://, ssh or file://). An https remote on a host of Backstage's
       * `integrations` is pushed to with that integration's credentials.
       * @visibility backend
       */
      url: string;
      /** Branch Argo CD follows (default `main`). @visibility backend */
      branch?: string;
      /**
       * Where a file of the repository can be read over HTTP, with `{branch}` and `{path}`, e.g.
       * `https://github.com/acme/gitops/blob/{branch}/{path}`: the scaffolder registers the
       * catalog entity of a new service from there. @visibility backend
       */
      fileUrlTemplate?: string;
    };
    /**
     * Notifications to entity owners through Backstage's notifications backend, on transitions
     * of what their GitOps page shows. Everything is optional.
     */
    notifications?: {
      /** Default true. @visibility backend */
      enabled?: boolean;
      /**
       * Which conditions are sent (default all): `sync-failed`, `degraded`, `out-of-sync`,
       * `backup-failed`, `backup-rpo`, `backup-uncovered`, `promotion`. Each is the
       * notification's topic, which users can silence in their notification settings.
       * @visibility backend
       */
      topics?: Array<
        | 'sync-failed'
        | 'degraded'
        | 'out-of-sync'
        | 'backup-failed'
        | 'backup-rpo'
        | 'backup-uncovered'
        | 'promotion'
      >;
      /**
       * How long an application stays Degraded before its owners are told (default
       * `{ minutes: 5 }`; also ISO 8601 like `PT5M`). @visibility backend
       */
      degradedGracePeriod?: string | HumanDuration;
      /**
       * How long a production application with auto-sync off stays OutOfSync before its owners
       * are told (default `{ minutes: 15 }`). @visibility backend
       */
      outOfSyncGracePeriod?: string | HumanDuration;
      /**
       * Deprecated: set `gitops.productionEnvironments`. When set, it still wins for
       * notifications. @visibility backend
       */
      productionEnvironments?: string[];
      /**
       * More new or cleared conditions of one entity at once than this (default 3) go out as
       * one notification. @visibility backend
       */
      maxPerEntityBatch?: number;
    };
    /** Promotions through the gitops repository. Everything is optional. */
    promotion?: {
      /**
       * Path of the version registry in the repository (default `registry/versions.yaml`).
       * @visibility backend
       */
      registryPath?: string;
      /**
       * Lifetime of the per entity + environment promotion lock, in seconds (default 120;
       * renewed while held).
       * @visibility backend
       */
      lockTtlSeconds?: number;
      /**
       * How long a promotion waits for a busy entity + environment, in seconds (default 15).
       * @visibility backend
       */
      lockWaitSeconds?: number;
      /**
       * Directory of this replica's clone of the repository (default: a new directory under
       * the OS temp directory). Each replica needs its own.
       * @visibility backend
       */
      workDir?: string;
      /**
       * Where the pull requests of `pull-request` environments are opened. Credentials of the
       * git remote and of GitHub come from Backstage's `integrations` config (e.g.
       * `integrations.github[].token` or `apps`), never from here.
       */
      pullRequests?: {
        /**
         * `github`: a pull request on GitHub / GitHub Enterprise through its API; `branch`:
         * the pushed branch is the pull request and Backstage merges it. Default: `github`
         * when the repository is on a host of `integrations.github` that has a token or an
         * app, else `branch`.
         * @visibility backend
         */
        provider?: 'github' | 'branch';
        /**
         * The GitHub repository (`https://<host>/<owner>/<repo>`) when `gitops.repository.url`
         * does not name it, e.g. a mirror or a local remote.
         * @visibility backend
         */
        repositoryUrl?: string;
        /** How GitHub merges on approval (default `merge`). @visibility backend */
        mergeMethod?: 'merge' | 'squash' | 'rebase';
      };
      /** Committer of promotion commits; the author is the requesting user. */
      committer?: {
        /** @visibility backend */
        name: string;
        /** @visibility backend */
        email: string;
      };
      /**
       * Policy per target environment (keys: names of `gitops.environments`). Default: the
       * last environment takes a pull request and an approval by another owner; the others a
       * direct commit; every environment requires the source to run the version Synced and
       * Healthy.
       */
      environments?: {
        [environment: string]: {
          /** `commit` (straight onto the branch) or `pull-request`. @visibility frontend */
          mode?: 'commit' | 'pull-request';
          /** Another owner of the entity must approve (needs `pull-request`). @visibility frontend */
          approval?: boolean;
          /** The source environment must run the version Synced and Healthy. @visibility backend */
          requireSourceHealthy?: boolean;
          /**
           * An HTTP GET that must answer 2xx before promoting; `{service}`, `{from}`, `{to}` and
           * `{version}` in the URL are replaced.
           */
          smokeCheck?: {
            /** @visibility backend */
            url: string;
            /** Timeout in ms (default 5000). @visibility backend */
            timeoutMs?: number;
          };
        };
      };
    };
  };
}
