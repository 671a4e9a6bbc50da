import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { StatusOK, StatusWarning } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type {
  AppEvent,
  ApplicationSummary,
  UnhealthyResource,
} from '@internal/backstage-plugin-gitops-common';
import { gitopsApiRef } from '../../api';
import { formatAgo } from '../../format';
import { useNow } from '../../hooks/useNow';
import { AskedDialog } from '../AskedDialog';

const EventLine = ({ event, now }: { event: AppEvent; now: number }) => (
  <ListItem divider>
    <ListItemText
      primary={
        <>
          {event.type === 'Warning' ? (
            <StatusWarning>Warning</StatusWarning>
          ) : (
            <StatusOK>Normal</StatusOK>
          )}{' '}
          {event.reason ?? ''}
          {event.count > 1 ? ` ×${event.count}` : ''}
        </>
      }
      secondary={`${event.message}${
        event.object ? ` · ${event.object}` : ''
      } · ${formatAgo(event.lastSeen, now)}`}
    />
  </ListItem>
);

/** What the health checks of the unhealthy resources say, the worst first. */
const UnhealthyList = ({
  resources,
  app,
}: {
  resources: UnhealthyResource[];
  app: string;
}) => (
  <List dense aria-label={`Unhealthy resources of ${app}`}>
    {resources.map(r => (
      <ListItem key={`${r.kind}/${r.namespace}/${r.name}`} divider>
        <ListItemText
          primary={
            <>
              <StatusWarning>{r.health}</StatusWarning> {r.kind}/{r.name}
            </>
          }
          secondary={r.message ?? 'No health message'}
        />
      </ListItem>
    ))}
  </List>
);

/**
 * Why one application is in its state: its unhealthy resources with their health messages,
 * then its events and theirs, warnings first, each group newest first.
 */
const EventsDialog = (props: {
  app: ApplicationSummary;
  onClose: () => void;
}) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const now = useNow();
  const application = `${props.app.instance}/${props.app.name}`;
  const state = useAsync(
    () => api.getEvents(getCompoundEntityRef(entity), { application }),
    [api, entity, application],
  );
  const found = state.value?.applications.find(
    a => `${a.instance}/${a.name}` === application,
  );
  const events = [...(found?.events ?? [])].sort(
    (a, b) => Number(b.type === 'Warning') - Number(a.type === 'Warning'),
  );
  return (
    <AskedDialog
      id="events-title"
      title={`Events of ${props.app.name}`}
      onClose={props.onClose}
      loading={state.loading}
      error={state.error}
      sourceError={found?.error}
    >
      {found?.unhealthy?.length ? (
        <UnhealthyList resources={found.unhealthy} app={props.app.name} />
      ) : null}
      {events.length === 0 ? (
        <Typography>No events in the last hour.</Typography>
      ) : (
        <List dense aria-label={`Events of ${props.app.name}`}>
          {events.map((e, i) => (
            <EventLine key={i} event={e} now={now} />
          ))}
        </List>
      )}
    </AskedDialog>
  );
};

/**
 * "Why?": the application's events (Argo CD's, its resources'), asked when a person opens them;
 * warnings first, with counts and ages. Offered for an application that is not Synced and
 * Healthy or whose last operation failed.
 *
 * @public
 */
export const ApplicationEvents = ({ app }: { app: ApplicationSummary }) => {
  const [open, setOpen] = useState(false);
  const troubled =
    app.sync !== 'Synced' ||
    app.health !== 'Healthy' ||
    app.operation?.phase === 'Failed' ||
    app.operation?.phase === 'Error';
  if (!troubled) return null;
  return (
    <>
      <Button
        size="small"
        aria-label={`Why: events of ${app.name}`}
        onClick={() => setOpen(true)}
      >
        Why?
      </Button>
      {open && <EventsDialog app={app} onClose={() => setOpen(false)} />}
    </>
  );
};
