import { TrendLine } from '@backstage/core-components';
import CircularProgress from '@material-ui/core/CircularProgress';
import { useTheme } from '@material-ui/core/styles';
import type { EntityCostTrend } from '@internal/backstage-plugin-gitops-common';

/** The cost card's own request for the daily trend (`GET .../cost-trend`), as a cell sees it. */
export type CostTrendState = {
  loading: boolean;
  value?: EntityCostTrend;
  error?: Error;
};

/**
 * The daily trend of one environment: a spinner until the trend's first answer, then the
 * sparkline of the environment of the same name, or '—' (no answer, or fewer than two days).
 */
export const CostTrendCell = ({
  environment,
  trend,
}: {
  environment: string;
  trend: CostTrendState;
}) => {
  const theme = useTheme();
  if (!trend.value) {
    return trend.loading ? (
      <CircularProgress
        size={16}
        aria-label={`Loading the daily cost of ${environment}`}
      />
    ) : (
      <>—</>
    );
  }
  const daily = trend.value.environments.find(
    e => e.name === environment,
  )?.daily;
  if (!daily || daily.length < 2) return <>—</>;
  const data = daily.map(d => d.total);
  return (
    <TrendLine
      data={data}
      // Money, not a 0..1 ratio: scale to the window's highest day, in one neutral colour.
      min={0}
      max={Math.max(...data) || 1}
      color={theme.palette.primary.main}
      title={`${environment} daily cost: ${daily
        .map(d => `${d.date} ${d.total.toFixed(2)}`)
        .join(', ')}`}
    />
  );
};
