import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  gitopsEntityChannel,
  type GitopsEntitySignal,
} from '@internal/backstage-plugin-gitops-common';
import { describeError } from '../util/errors';

/** Tells the open pages of an entity that its view changed: one Signals channel per entity. */
export class EntitySignals {
  constructor(
    private readonly deps: { signals: SignalsService; logger: LoggerService },
  ) {}

  async publish(entityRef: string): Promise<void> {
    const message: GitopsEntitySignal = { type: 'overview-changed', entityRef };
    try {
      await this.deps.signals.publish({
        recipients: { type: 'broadcast' },
        channel: gitopsEntityChannel(entityRef),
        message,
      });
    } catch (error) {
      this.deps.logger.warn(
        `gitops: signal for ${entityRef} failed: ${describeError(error)}`,
      );
    }
  }
}
