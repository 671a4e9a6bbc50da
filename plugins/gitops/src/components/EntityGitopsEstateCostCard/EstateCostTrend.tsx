import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Alert from '@material-ui/lab/Alert';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { CostTrendCell } from '../EntityGitopsCostCard/CostTrendCell';
import { SourceErrors } from '../SourceErrors';

/**
 * The estate's daily cost per environment over the window: its own request
 * (`GET .../estate/cost-trend`), made only once someone opens it, and re-read on the page's
 * Signals while open.
 */
export const EstateCostTrend = ({
  environments,
  window,
}: {
  environments: string[];
  window: string;
}) => {
  const trend = useLiveEntityQuery(
    (api, entity) => api.getEstateCostTrend(entity, { window }),
    [window],
  );
  return (
    <Box mt={1}>
      {trend.error && (
        <Alert severity="warning">
          Daily trend unavailable: {trend.error.message}
        </Alert>
      )}
      <SourceErrors sources={trend.value?.sources ?? []} kinds={['cost']} />
      <Table size="small" aria-label={`Daily cost over ${window}`}>
        <TableBody>
          {environments.map(env => (
            <TableRow key={env}>
              <TableCell component="th" scope="row">
                {env}
              </TableCell>
              <TableCell style={{ width: 160 }}>
                <CostTrendCell environment={env} trend={trend} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};
