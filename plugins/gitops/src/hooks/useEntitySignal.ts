import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  gitopsEntityChannel,
  type GitopsEntitySignal,
} from '@internal/backstage-plugin-gitops-common';

/** The last change signalled on the current entity's channel (null until one arrives). */
export function useEntitySignal() {
  const { entity } = useEntity();
  return useSignal<GitopsEntitySignal>(
    gitopsEntityChannel(stringifyEntityRef(entity)),
  );
}
