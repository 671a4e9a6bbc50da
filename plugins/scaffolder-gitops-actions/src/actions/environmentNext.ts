import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_ENVIRONMENTS,
  nextEnvironment,
} from '@internal/backstage-plugin-gitops-common';
import { examples } from './environmentNext.examples';

/**
 * `gitops:environment:next`: the environment a version moves to after `from`
 * (dev → staging → prod), so a template can chain promotion steps without hard-coding them.
 *
 * @public
 */
export function createEnvironmentNextAction(options?: {
  environments?: readonly string[];
}) {
  const order = options?.environments ?? DEFAULT_ENVIRONMENTS;
  return createTemplateAction({
    id: 'gitops:environment:next',
    description:
      'Outputs the environment that follows `from` in the promotion order.',
    examples,
    schema: {
      input: {
        from: z =>
          z.string({ description: 'The environment promoted from, e.g. dev' }),
      },
      output: {
        to: z => z.string({ description: 'The next environment' }).optional(),
        isLast: z =>
          z.boolean({ description: 'True when `from` is the last one' }),
      },
    },
    async handler(ctx) {
      const { from } = ctx.input;
      if (!order.includes(from)) {
        throw new InputError(
          `from: unknown environment '${from}', expected one of ${order.join(
            ', ',
          )}`,
        );
      }
      const to = nextEnvironment(from, order);
      if (to) ctx.output('to', to);
      ctx.output('isLast', to === undefined);
    },
  });
}
