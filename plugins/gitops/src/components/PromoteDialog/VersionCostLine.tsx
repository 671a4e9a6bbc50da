import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import type { VersionCost } from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { backendMessage } from '../../errorMessage';
import { formatMoney } from '../../format';

/** "+12 % per day in staging since 1.4.0", or why it can't be told. */
export function describeVersionCost(cost: VersionCost): string {
  const { environment, version } = cost;
  if (cost.state === 'no-cost') return `No cost data for ${environment}.`;
  if (cost.state === 'not-enough-data' || cost.perDay === undefined) {
    return `Cost of ${version} in ${environment}: not enough data${
      cost.reason ? ` (${cost.reason})` : ''
    }.`;
  }
  const money = (v: number) => formatMoney(v, cost.currency ?? 'USD');
  const against =
    cost.previousPerDay !== undefined
      ? ` (${money(cost.perDay)} a day, against ${money(
          cost.previousPerDay,
        )} at ${cost.previousVersion})`
      : '';
  if (cost.change === undefined) {
    return `${money(
      cost.perDay,
    )} per day in ${environment} since ${version}${against}.`;
  }
  const percent = Math.round(cost.change * 100);
  let sign = '±';
  if (percent > 0) sign = '+';
  else if (percent < 0) sign = '−';
  return `${sign}${Math.abs(
    percent,
  )} % per day in ${environment} since ${version}${against}.`;
}

/**
 * What the source environment costs at the version being promoted against the version before:
 * its own request, so a cost engine that is down only blanks this line.
 */
export const VersionCostLine = (props: {
  entity: CompoundEntityRef;
  environment: string;
  version: string;
}) => {
  const api = useApi(gitopsApiRef);
  const { entity, environment, version } = props;
  const cost = useAsync(
    () => api.getVersionCost(entity, { environment, version }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entity.kind, entity.namespace, entity.name, environment, version],
  );
  if (cost.loading) return null;
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      aria-label="Cost of the version"
    >
      {cost.error
        ? `Cost of ${version} in ${environment} unavailable: ${backendMessage(
            cost.error,
          )}`
        : describeVersionCost(cost.value!)}
    </Typography>
  );
};
