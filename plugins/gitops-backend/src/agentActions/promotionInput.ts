import { parse, promotionBody } from '../http/parse';
import { inField, promotionsOff } from '../http/promotionRoutes';
import type { PromotionService } from '../promotion';
import {
  entityOf,
  entityRefInput,
  userCredentials,
  type GitopsActionsDeps,
  type Zod,
} from './shared';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/** The input of a promotion: what `preview-promotion` and `create-promotion` share. */
export const promotionInput = (z: Zod, environments: string[]) =>
  z
    .object({
      entityRef: entityRefInput(z),
      from: z
        .string()
        .describe(
          `The environment whose version is promoted, one of ${environments.join(
            ', ',
          )}`,
        ),
      to: z
        .string()
        .describe(
          `The next environment, which gets the version (${environments.join(
            ' → ',
          )})`,
        ),
      version: z
        .string()
        .optional()
        .describe(
          'The version (image tag) to promote, e.g. 1.4.0; default: the one `from` runs',
        ),
    })
    // As the routes' bodies: an option the action does not take is refused, not ignored.
    .strict();

/**
 * The service, the user and the entity of a promotion action, refused as the routes refuse:
 * promotions off (a clear error), not a user, a bad field (named, with the routes' schema), an
 * entity the user can't see (NotFoundError).
 */
export async function promotionContext(
  deps: GitopsActionsDeps,
  credentials: BackstageCredentials,
  input: {
    entityRef: string;
    from: string;
    to: string;
    version?: string;
    previewId?: string;
  },
): Promise<{
  promotionService: PromotionService;
  context: Awaited<ReturnType<typeof entityOf>> & {
    credentials: ReturnType<typeof userCredentials>;
  };
}> {
  if (!deps.promotions) throw promotionsOff();
  const user = userCredentials(deps, credentials);
  // The routes' body schema: the environments, the version and the preview id, each named.
  const { entityRef, ...body } = input;
  parse(promotionBody(deps.environments), body, 'input');
  const context = await entityOf(deps, user, entityRef);
  return {
    promotionService: deps.promotions,
    context: { ...context, credentials: user },
  };
}

/** The service's InputError (`to: ...`) naming the action's field (`input.to`). */
export const inInput = (error: unknown) => {
  throw inField(error, 'input');
};
