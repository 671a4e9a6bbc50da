import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  EntityOverview,
  EnvironmentCost,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { formatMoney, formatPercent } from '../../format';
import { SourceErrors, mergeSources } from '../SourceErrors';
import { OverviewStates, RequireGitopsAnnotations } from '../GitopsCardStates';
import { CostTrendCell } from './CostTrendCell';
import { WindowToggle } from '../WindowToggle';

/** The windows offered; the backend accepts any Kubecost/OpenCost window. */
export const COST_WINDOWS = ['7d', '30d'] as const;

const BREAKDOWN: Array<{
  label: string;
  pick: (c: EnvironmentCost) => number;
}> = [
  { label: 'CPU', pick: c => c.cpu },
  { label: 'RAM', pick: c => c.ram },
  { label: 'Storage', pick: c => c.pv },
  { label: 'Network', pick: c => c.network },
];

/**
 * What each environment cost over a window (7 or 30 days): total, the cpu / ram / storage /
 * network breakdown, how efficiently requests were used (all from the page's overview), and the
 * daily trend (a request of this card only, `GET .../cost-trend`, re-read on the entity's Signals).
 *
 * @public
 */
export const EntityGitopsCostCard = () => (
  <RequireGitopsAnnotations>
    <CostTable />
  </RequireGitopsAnnotations>
);

/** The table of a window with cost, and the daily trend this card asks for itself. */
function CostRows({
  overview,
  window,
}: {
  overview: EntityOverview;
  window: string;
}) {
  const trend = useLiveEntityQuery(
    (api, entity) => api.getCostTrend(entity, { window }),
    [window],
  );
  const envs = overview.environments;
  return (
    <>
      <SourceErrors
        sources={mergeSources(overview.sources, trend.value?.sources)}
        kinds={['cost']}
      />
      {trend.error && (
        <Box mb={2}>
          <Alert severity="warning">
            Daily trend unavailable: {trend.error.message}
          </Alert>
        </Box>
      )}
      <Table size="small" aria-label={`Cost over ${window}`}>
        <TableHead>
          <TableRow>
            <TableCell>Environment</TableCell>
            <TableCell align="right">Total</TableCell>
            {BREAKDOWN.map(b => (
              <TableCell key={b.label} align="right">
                {b.label}
              </TableCell>
            ))}
            <TableCell align="right">Efficiency</TableCell>
            <TableCell>Daily trend</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {envs.map(env => (
            <TableRow key={env.name} data-testid={`cost-row-${env.name}`}>
              <TableCell component="th" scope="row">
                {env.name}
              </TableCell>
              {env.cost ? (
                <>
                  <TableCell align="right">
                    <strong>
                      {formatMoney(env.cost.total, env.cost.currency)}
                    </strong>
                  </TableCell>
                  {BREAKDOWN.map(b => (
                    <TableCell key={b.label} align="right">
                      {formatMoney(b.pick(env.cost!), env.cost!.currency)}
                    </TableCell>
                  ))}
                  <TableCell align="right">
                    {formatPercent(env.cost.efficiency)}
                  </TableCell>
                  <TableCell style={{ width: 120 }}>
                    <CostTrendCell environment={env.name} trend={trend} />
                  </TableCell>
                </>
              ) : (
                <TableCell colSpan={BREAKDOWN.length + 3}>
                  No cost data for this environment
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

function CostTable() {
  // Undefined until the user picks one: the page's shared overview (backend's default window)
  // then fills the totals of this card too, without a request of its own; the daily trend is
  // asked for the window the totals are of.
  const [chosenWindow, setWindow] = useState<string | undefined>();
  const state = useEntityOverview({ costWindow: chosenWindow });
  const window =
    chosenWindow ??
    state.value?.environments.find(env => env.cost)?.cost?.window ??
    COST_WINDOWS[0];

  const render = (overview: EntityOverview) =>
    overview.environments.some(env => env.cost) ? (
      <CostRows overview={overview} window={window} />
    ) : (
      <>
        <SourceErrors sources={overview.sources} kinds={['cost']} />
        <Typography variant="body2">
          No cost data for this entity's workloads over {window}.
        </Typography>
      </>
    );

  return (
    <InfoCard
      title="Cost"
      action={
        <WindowToggle
          label="Cost window"
          options={COST_WINDOWS}
          value={window}
          onChange={setWindow}
        />
      }
    >
      <OverviewStates state={state}>{render}</OverviewStates>
    </InfoCard>
  );
}
