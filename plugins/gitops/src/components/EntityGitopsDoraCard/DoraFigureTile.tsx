import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { DoraPoint } from '@internal/backstage-plugin-gitops-common';
import { Sparkline } from '../Sparkline';

/** One DORA figure: its name, value (or "Not enough data"), what it is made of, and its weeks. */
export const DoraFigureTile = ({
  id,
  title,
  value,
  detail,
  warning,
  series,
  formatPoint,
}: {
  id: string;
  title: string;
  /** Undefined: the window holds no sample for the figure. */
  value?: string;
  detail: string;
  /** E.g. the lead time's outliers. */
  warning?: string;
  series: DoraPoint[];
  formatPoint: (value: number) => string;
}) => (
  <Box data-testid={`dora-${id}`} mb={2}>
    <Typography variant="overline" component="h3">
      {title}
    </Typography>
    <Typography variant="h5" component="p">
      {value ?? 'Not enough data'}
    </Typography>
    <Typography variant="caption" color="textSecondary" display="block">
      {detail}
    </Typography>
    {warning && (
      <Typography variant="caption" color="error" display="block">
        {warning}
      </Typography>
    )}
    {value !== undefined && (
      <Box mt={0.5}>
        <Sparkline
          values={series.map(p => p.value)}
          label={`${title} per week: ${series
            .map(
              p =>
                `${p.start.slice(0, 10)} ${
                  p.value === null ? 'no data' : formatPoint(p.value)
                }`,
            )
            .join(', ')}`}
        />
      </Box>
    )}
  </Box>
);
