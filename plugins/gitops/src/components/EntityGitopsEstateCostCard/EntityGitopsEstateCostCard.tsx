import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  EntityEstate,
  EstateCost,
  EstateCostRow,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityEstate } from '../../hooks/useEntityEstate';
import { DEFAULT_ESTATE_WINDOW } from '../../hooks/estateStore';
import { formatMoney, formatPercent } from '../../format';
import { SourceErrors } from '../SourceErrors';
import {
  EstateStates,
  RequireEstateEntity,
} from '../EntityGitopsEstateCard/EstateStates';
import { DownloadCsvButton } from './DownloadCsvButton';
import { EstateCostTrend } from './EstateCostTrend';
import { WindowToggle } from '../WindowToggle';

/** The windows offered: a week, and the month chargeback is about (the page's first read). */
const ESTATE_COST_WINDOWS = ['7d', DEFAULT_ESTATE_WINDOW] as const;

/** Efficiency of several rows: each row's weighted by what it cost (a big service counts more). */
function weightedEfficiency(rows: EstateCostRow[]): number | undefined {
  const rated = rows.filter(r => r.efficiency !== undefined && r.total > 0);
  const total = rated.reduce((sum, r) => sum + r.total, 0);
  if (total === 0) return undefined;
  return rated.reduce((sum, r) => sum + r.efficiency! * r.total, 0) / total;
}

/** The estate's services with cost, in the matrix's order, then any only the cost names. */
function costServices(estate: EntityEstate) {
  const refs = [
    ...estate.services.map(s => s.entityRef),
    ...estate.cost.rows.map(r => r.entityRef),
  ].filter((ref, i, all) => all.indexOf(ref) === i);
  return refs
    .map(ref => ({
      ref,
      title:
        estate.services.find(s => s.entityRef === ref)?.title ??
        parseEntityRef(ref).name,
      rows: estate.cost.rows.filter(r => r.entityRef === ref),
    }))
    .filter(s => s.rows.length > 0);
}

/** Idle capacity and unallocated / shared costs, per cluster, kept out of the services' rows. */
function ApartCosts({
  cost,
  currency,
}: {
  cost: EstateCost;
  currency: string;
}) {
  if (cost.apart.length === 0) return null;
  const money = (n?: number) =>
    n === undefined ? '—' : formatMoney(n, currency);
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3">
        Not allocated to services
      </Typography>
      <Typography variant="caption" color="textSecondary" display="block">
        As the cost engines report them over the window: not part of any
        service's cost above, and not split across services.
      </Typography>
      <Table size="small" aria-label="Costs not allocated to services">
        <TableHead>
          <TableRow>
            <TableCell>Cluster</TableCell>
            <TableCell align="right">Idle</TableCell>
            <TableCell align="right">Unallocated / shared</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {cost.apart.map(a => (
            <TableRow key={a.cluster} data-testid={`cost-apart-${a.cluster}`}>
              <TableCell component="th" scope="row">
                {a.cluster}
              </TableCell>
              <TableCell align="right">{money(a.idle)}</TableCell>
              <TableCell align="right">{money(a.unallocated)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function CostTables({ estate }: { estate: EntityEstate }) {
  const [showTrend, setShowTrend] = useState(false);
  const { cost } = estate;
  const currency = cost.currency ?? 'USD';
  const money = (n: number) => formatMoney(n, currency);
  const environments = estate.environments.filter(
    env => cost.byEnvironment[env] !== undefined,
  );
  const services = costServices(estate);
  return (
    <>
      <Typography variant="body1" paragraph data-testid="cost-total">
        <strong>{money(cost.total)}</strong> over {cost.window} · efficiency{' '}
        {formatPercent(weightedEfficiency(cost.rows))}
      </Typography>
      <Table size="small" aria-label={`Cost per service over ${cost.window}`}>
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            {environments.map(env => (
              <TableCell key={env} align="right">
                {env}
              </TableCell>
            ))}
            <TableCell align="right">Total</TableCell>
            <TableCell align="right">Efficiency</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {services.map(s => (
            <TableRow key={s.ref} data-testid={`cost-service-${s.ref}`}>
              <TableCell component="th" scope="row">
                <EntityRefLink entityRef={s.ref} hideIcon>
                  {s.title}
                </EntityRefLink>
              </TableCell>
              {environments.map(env => {
                const row = s.rows.find(r => r.environment === env);
                return (
                  <TableCell key={env} align="right">
                    {row ? money(row.total) : '—'}
                  </TableCell>
                );
              })}
              <TableCell align="right">
                <strong>
                  {money(s.rows.reduce((sum, r) => sum + r.total, 0))}
                </strong>
              </TableCell>
              <TableCell align="right">
                {formatPercent(weightedEfficiency(s.rows))}
              </TableCell>
            </TableRow>
          ))}
          <TableRow data-testid="cost-by-environment">
            <TableCell component="th" scope="row">
              <strong>All services</strong>
            </TableCell>
            {environments.map(env => (
              <TableCell key={env} align="right">
                <strong>{money(cost.byEnvironment[env])}</strong>
              </TableCell>
            ))}
            <TableCell align="right">
              <strong>{money(cost.total)}</strong>
            </TableCell>
            <TableCell align="right">
              {formatPercent(weightedEfficiency(cost.rows))}
            </TableCell>
          </TableRow>
        </TableBody>
      </Table>
      <ApartCosts cost={cost} currency={currency} />
      <Box mt={2}>
        <Button size="small" onClick={() => setShowTrend(shown => !shown)}>
          {showTrend ? 'Hide daily trend' : 'Show daily trend'}
        </Button>
        {showTrend && (
          <EstateCostTrend environments={environments} window={cost.window} />
        )}
      </Box>
    </>
  );
}

/** The cost part of the estate: the engines that did not answer are named; what came renders. */
function EstateCostView({ estate }: { estate: EntityEstate }) {
  const { cost } = estate;
  // The backend derives its errors from these sources: name each once.
  const failingSources = estate.sources.some(
    s => s.kind === 'cost' && s.status !== 'ok',
  );
  return (
    <>
      <SourceErrors sources={estate.sources} kinds={['cost']} />
      {/* The cost's own errors, unless the sources above name them already. */}
      {cost.errors.length > 0 && !failingSources && (
        <Box mb={2}>
          <Alert severity="warning">
            Cost unavailable from {cost.errors.join('; ')}
          </Alert>
        </Box>
      )}
      {cost.rows.length > 0 ? (
        <CostTables estate={estate} />
      ) : (
        <Typography variant="body2">
          No cost data for the estate's workloads over {cost.window}.
        </Typography>
      )}
    </>
  );
}

function EstateCostSection() {
  const [window, setWindow] = useState<string>(DEFAULT_ESTATE_WINDOW);
  const state = useEntityEstate({ window });
  return (
    <InfoCard
      title="Cost"
      subheader="Per service and environment, for chargeback"
      action={
        <Box display="flex" alignItems="center" gridGap={8}>
          <WindowToggle
            label="Cost window"
            options={ESTATE_COST_WINDOWS}
            value={window}
            onChange={setWindow}
          />
          <DownloadCsvButton window={window} />
        </Box>
      }
    >
      <EstateStates state={state}>
        {estate => <EstateCostView estate={estate} />}
      </EstateStates>
    </InfoCard>
  );
}

/**
 * What the estate of a Group or a System cost over 7 or 30 days: per service and environment,
 * totals and efficiency, idle and unallocated costs apart as the engines report them, the daily
 * trend on demand and the chargeback CSV.
 *
 * @public
 */
export const EntityGitopsEstateCostCard = () => (
  <RequireEstateEntity>
    <EstateCostSection />
  </RequireEstateEntity>
);
