import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import Alert from '@material-ui/lab/Alert';
import { makeStyles } from '@material-ui/core/styles';
import {
  GITOPS_ANNOTATIONS,
  type EntityEstate,
  type EstateService,
} from '@internal/backstage-plugin-gitops-common';
import { useEntityEstate } from '../../hooks/useEntityEstate';
import { useNow } from '../../hooks/useNow';
import { SourceErrors } from '../SourceErrors';
import { EstateStates, RequireEstateEntity } from './EstateStates';
import { EstateCellView } from './EstateCellView';
import { EstateApprovals } from './EstateApprovals';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  cell: { verticalAlign: 'top' },
  failingRow: { borderLeft: `3px solid ${theme.palette.error.main}` },
}));

type Filters = { drifted: boolean; failing: boolean };

const matches = (service: EstateService, filters: Filters) =>
  (!filters.drifted || service.drifted) &&
  (!filters.failing || service.failing);

/** `system:default/payments` → `payments` (the namespace only when not the default one). */
const systemName = (ref: string) => {
  const { namespace, name } = parseEntityRef(ref);
  return namespace === 'default' ? name : `${namespace}/${name}`;
};

/** The service's title, else its name. */
const serviceName = (service: EstateService) =>
  service.title ?? parseEntityRef(service.entityRef).name;

/** Where a group or a system gets its services from, for the empty state. */
function EmptyEstate({ estate }: { estate: EntityEstate }) {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const annotations = `${GITOPS_ANNOTATIONS.argoAppSelector} or ${GITOPS_ANNOTATIONS.argoAppName}`;
  return (
    <>
      <SourceErrors sources={estate.sources} kinds={['deployment']} />
      <Typography variant="body2" paragraph>
        {estate.kind === 'system'
          ? `No service with GitOps is part of ${name}.`
          : `${name} owns no service with GitOps.`}
      </Typography>
      <Typography variant="body2">
        {estate.kind === 'system'
          ? `Set spec.system: ${name} on the components (type service) of this system`
          : `Set spec.owner: ${name} on the components (type service) the team runs`}
        , and annotate each with {annotations} so its Argo CD applications are
        found.
      </Typography>
    </>
  );
}

function ServiceRow({
  service,
  environments,
  now,
}: {
  service: EstateService;
  environments: string[];
  now: number;
}) {
  const classes = useStyles();
  return (
    <TableRow
      data-testid={`estate-row-${service.entityRef}`}
      className={service.failing ? classes.failingRow : undefined}
    >
      <TableCell component="th" scope="row" className={classes.cell}>
        <EntityRefLink entityRef={service.entityRef} hideIcon>
          {serviceName(service)}
        </EntityRefLink>
        {service.systems.length > 1 && (
          <Typography variant="caption" display="block" color="textSecondary">
            in {service.systems.length} systems:{' '}
            {service.systems.map(systemName).join(', ')}
          </Typography>
        )}
        {service.sourceErrors.length > 0 && (
          <Typography variant="caption" display="block" color="error">
            incomplete: {service.sourceErrors.join('; ')}
          </Typography>
        )}
      </TableCell>
      {environments.map(env => (
        <TableCell
          key={env}
          className={classes.cell}
          data-testid={`estate-cell-${service.entityRef}-${env}`}
        >
          <EstateCellView
            cell={service.environments[env]}
            environment={env}
            now={now}
          />
        </TableCell>
      ))}
    </TableRow>
  );
}

function EstateMatrix({ estate }: { estate: EntityEstate }) {
  const classes = useStyles();
  const now = useNow();
  const [filters, setFilters] = useState<Filters>({
    drifted: false,
    failing: false,
  });
  if (estate.services.length === 0) return <EmptyEstate estate={estate} />;

  const counts = {
    drifted: estate.services.filter(s => s.drifted).length,
    failing: estate.services.filter(s => s.failing).length,
  };
  // The backend's order (failing first, then drifted, then by name) is kept.
  const shown = estate.services.filter(s => matches(s, filters));
  const inSeveralSystems = estate.services.filter(s => s.systems.length > 1);
  const toggle = (key: keyof Filters) => (
    <ToggleButton
      size="small"
      value={key}
      selected={filters[key]}
      onChange={() => setFilters(f => ({ ...f, [key]: !f[key] }))}
    >
      Only {key} ({counts[key]})
    </ToggleButton>
  );

  return (
    <>
      {/* `git`: the promotions waiting for approval, read from the gitops repository's PRs. */}
      <SourceErrors sources={estate.sources} kinds={['deployment', 'git']} />
      {inSeveralSystems.length > 0 && (
        <Box mb={2}>
          <Alert severity="info">
            {inSeveralSystems.length === 1
              ? 'A service is'
              : `${inSeveralSystems.length} services are`}{' '}
            part of more than one system (
            {inSeveralSystems.map(serviceName).join(', ')}
            ): each system's page counts them, their cost too.
          </Alert>
        </Box>
      )}
      <div
        className={classes.filters}
        role="group"
        aria-label="Filter services"
      >
        {toggle('drifted')}
        {toggle('failing')}
      </div>
      <Table size="small" aria-label="Services by environment">
        <TableHead>
          <TableRow>
            <TableCell>Service</TableCell>
            {estate.environments.map(env => (
              <TableCell key={env}>{env}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(service => (
            <ServiceRow
              key={service.entityRef}
              service={service}
              environments={estate.environments}
              now={now}
            />
          ))}
          {shown.length === 0 && (
            <TableRow>
              <TableCell colSpan={estate.environments.length + 1}>
                No service is{' '}
                {[filters.drifted && 'drifted', filters.failing && 'failing']
                  .filter(Boolean)
                  .join(' and ')}
                .
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <EstateApprovals approvals={estate.approvals} now={now} />
    </>
  );
}

function Estate() {
  const state = useEntityEstate();
  return (
    <InfoCard title="Services by environment">
      <EstateStates state={state}>
        {estate => <EstateMatrix estate={estate} />}
      </EstateStates>
    </InfoCard>
  );
}

/**
 * The estate matrix of a Group (the services it owns) or a System (the services it contains):
 * one row per service, one column per environment in promotion order, each cell with version,
 * sync and health, last deploy and the version waiting for promotion. Failing rows first; filters
 * for drifted and failing services; the promotions waiting for approval below.
 *
 * @public
 */
export const EntityGitopsEstateCard = () => (
  <RequireEstateEntity>
    <Estate />
  </RequireEstateEntity>
);
