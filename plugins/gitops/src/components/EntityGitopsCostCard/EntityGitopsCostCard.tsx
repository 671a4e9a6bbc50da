import { useState } from 'react';
import { InfoCard, TrendLine } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import type {
  EntityOverview,
  EnvironmentCost,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityOverview } from '../../hooks/useEntityOverview';
import { formatMoney, formatPercent } from '../../format';
import { SourceErrors } from '../SourceErrors';
import { OverviewStates, RequireGitopsAnnotations } from '../GitopsCardStates';

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
 * network breakdown, how efficiently requests were used, and the daily trend.
 *
 * @public
 */
export const EntityGitopsCostCard = () => (
  <RequireGitopsAnnotations>
    <CostTable />
  </RequireGitopsAnnotations>
);

function CostTable() {
  // Undefined until the user picks one: the page's shared overview (backend's default window)
  // then fills this card too, without a request of its own.
  const [chosenWindow, setWindow] = useState<string | undefined>();
  const state = useEntityOverview({ costWindow: chosenWindow });
  const window =
    chosenWindow ??
    state.value?.environments.find(env => env.cost)?.cost?.window ??
    COST_WINDOWS[0];

  const render = (overview: EntityOverview) => {
    const envs = overview.environments;
    const anyCost = envs.some(env => env.cost);
    return (
      <>
        <SourceErrors sources={overview.sources} kinds={['cost']} />
        {anyCost ? (
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
                        {env.cost.daily.length > 1 ? (
                          <TrendLine
                            data={env.cost.daily.map(d => d.total)}
                            title={`${env.name} daily cost: ${env.cost.daily
                              .map(d => `${d.date} ${d.total.toFixed(2)}`)
                              .join(', ')}`}
                          />
                        ) : (
                          '—'
                        )}
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
        ) : (
          <Typography variant="body2">
            No cost data for this entity's workloads over {window}.
          </Typography>
        )}
      </>
    );
  };

  return (
    <InfoCard
      title="Cost"
      action={
        <ToggleButtonGroup
          size="small"
          exclusive
          value={window}
          aria-label="Cost window"
          onChange={(_e, value) => value && setWindow(value)}
        >
          {COST_WINDOWS.map(w => (
            <ToggleButton key={w} value={w} aria-label={`Last ${w}`}>
              {w}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      }
    >
      <OverviewStates state={state}>{render}</OverviewStates>
    </InfoCard>
  );
}
