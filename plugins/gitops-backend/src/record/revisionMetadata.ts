import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  DeploymentApp,
  RevisionMetadata,
} from '@internal/backstage-plugin-gitops-node';
import type { GitopsStore } from '../store/GitopsStore';
import { BoundedMap } from '../util/BoundedMap';
import { describeError } from '../util/errors';
import { Singleflight } from '../util/singleflight';
import type { DeploymentRow } from './recordRows';

/**
 * Commit metadata (author, message, commit time) of a revision, asked of the deployment source
 * once per commit: it never changes. Kept here and in the CacheService (shared by replicas).
 * The history tab and the deployment record (commit time → lead time) both read it.
 */
export class RevisionMetadataCache {
  private readonly local = new BoundedMap<string, RevisionMetadata>(20_000);
  private readonly flights = new Singleflight();

  constructor(
    private readonly deps: { store: GitopsStore; cache: CacheService },
  ) {}

  /** Rejects when the source fails (the caller decides what it degrades). */
  async get(
    app: Pick<DeploymentApp, 'instance' | 'name' | 'namespace'>,
    revision: string,
  ): Promise<RevisionMetadata> {
    // v2: the commit time joined author and message.
    const key = `gitops:revmeta:v2:${app.instance}:${revision}`;
    const known = this.local.get(key);
    if (known) return known;
    return this.flights.do(key, async () => {
      let meta =
        (await this.deps.cache.get<RevisionMetadata>(key)) ?? undefined;
      if (!meta) {
        const source = this.deps.store.deployments.get(app.instance);
        if (!source?.getRevisionMetadata) return {};
        const answer = await source.getRevisionMetadata(
          { name: app.name, namespace: app.namespace },
          revision,
        );
        meta = {
          ...(answer.author ? { author: answer.author } : {}),
          ...(answer.message ? { message: answer.message } : {}),
          ...(answer.date ? { date: answer.date } : {}),
        };
        await this.deps.cache.set(key, meta, { ttl: 7 * 86_400_000 });
      }
      this.local.set(key, meta);
      return meta;
    });
  }

  /**
   * Sets `row.commitAt` from the revision's commit time. A source that fails leaves it unset
   * (that lead time goes without the sample) and says so at debug level, without secrets.
   */
  async fillCommitTime(
    row: Pick<DeploymentRow, 'revision' | 'appKey' | 'commitAt'>,
    app: Pick<DeploymentApp, 'instance' | 'name' | 'namespace'>,
    logger: LoggerService,
  ): Promise<void> {
    try {
      const meta = await this.get(app, row.revision);
      const time = meta.date ? Date.parse(meta.date) : NaN;
      if (!Number.isNaN(time)) row.commitAt = new Date(time).toISOString();
    } catch (error) {
      logger.debug(
        `gitops: commit time of ${row.revision} (${
          row.appKey
        }): ${describeError(error, this.secretsOf(app.instance))}`,
      );
    }
  }

  /** The secrets of an instance's source, to strip from an error text. */
  secretsOf(instance: string): string[] | undefined {
    return this.deps.store.deployments.get(instance)?.secrets;
  }
}
