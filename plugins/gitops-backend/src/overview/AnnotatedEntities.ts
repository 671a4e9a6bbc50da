import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { GITOPS_ANNOTATIONS } from '@internal/backstage-plugin-gitops-common';
import type { GitopsClock } from '../util/clock';
import { describeError } from '../util/errors';
import { hasWorkloads, workloadSpecOf, type WorkloadSpec } from './workloads';

/**
 * The catalog entities annotated for Argo CD, read with the plugin's own credentials and kept
 * for a few minutes: tells which entities a changed application belongs to, on any replica,
 * including entities nobody has viewed here yet.
 */
export class AnnotatedEntities {
  private specs?: { at: number; specs: WorkloadSpec[] };
  private loading?: Promise<WorkloadSpec[]>;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      clock: GitopsClock;
      ttlMs?: number;
    },
  ) {}

  async list(): Promise<WorkloadSpec[]> {
    const now = this.deps.clock.now().getTime();
    if (this.specs && now - this.specs.at < (this.deps.ttlMs ?? 300_000)) {
      return this.specs.specs;
    }
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(now: number): Promise<WorkloadSpec[]> {
    try {
      const credentials = await this.deps.auth.getOwnServiceCredentials();
      const { items } = await this.deps.catalog.getEntities(
        {
          filter: [
            {
              [`metadata.annotations.${GITOPS_ANNOTATIONS.argoAppName}`]:
                CATALOG_FILTER_EXISTS,
            },
            {
              [`metadata.annotations.${GITOPS_ANNOTATIONS.argoAppSelector}`]:
                CATALOG_FILTER_EXISTS,
            },
          ],
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        },
        { credentials },
      );
      const specs = items.map(workloadSpecOf).filter(hasWorkloads);
      this.specs = { at: now, specs };
      return specs;
    } catch (error) {
      this.deps.logger.warn(
        `gitops: reading annotated entities failed: ${describeError(error)}`,
      );
      return this.specs?.specs ?? [];
    }
  }
}
