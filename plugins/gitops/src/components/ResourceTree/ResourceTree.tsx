import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ResourceNode } from '@internal/backstage-plugin-gitops-common';
import { useLiveEntityQuery } from '../../hooks/useLiveEntityQuery';
import { HealthStatusLabel, SyncStatusLabel } from '../StatusLabels';
import { SourceErrors } from '../SourceErrors';

const useStyles = makeStyles(theme => ({
  node: { padding: theme.spacing(0.25, 0) },
  line: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1.5),
  },
  attention: {
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    paddingLeft: theme.spacing(1),
    background: theme.palette.background.default,
  },
}));

/** A resource needs attention when it drifted from git or is not healthy. */
export const needsAttention = (r: ResourceNode) =>
  r.sync === 'OutOfSync' || r.health === 'Degraded' || r.health === 'Missing';

const NodeList = ({
  nodes,
  byParent,
  depth,
}: {
  nodes: ResourceNode[];
  byParent: Map<string, ResourceNode[]>;
  depth: number;
}) => {
  const classes = useStyles();
  return (
    <Box
      component="ul"
      m={0}
      pl={depth === 0 ? 0 : 3}
      style={{ listStyle: 'none' }}
    >
      {nodes.map(node => {
        const attention = needsAttention(node);
        const children = node.uid ? byParent.get(node.uid) ?? [] : [];
        return (
          <li
            key={`${node.kind}/${node.namespace}/${node.name}/${node.uid}`}
            className={`${classes.node} ${attention ? classes.attention : ''}`}
            aria-label={`${node.kind} ${node.name}${
              attention ? ' needs attention' : ''
            }`}
          >
            <div className={classes.line}>
              <Typography variant="body2" component="span">
                <strong>{node.kind}</strong> {node.name}
              </Typography>
              {node.sync && <SyncStatusLabel status={node.sync} />}
              {node.health && <HealthStatusLabel status={node.health} />}
            </div>
            {node.healthMessage && (
              <Typography variant="caption" display="block">
                {node.healthMessage}
              </Typography>
            )}
            {children.length > 0 && (
              <NodeList
                nodes={children}
                byParent={byParent}
                depth={depth + 1}
              />
            )}
          </li>
        );
      })}
    </Box>
  );
};

/**
 * The Kubernetes resources of each application as a tree (Deployment → ReplicaSet → Pod), with
 * out-of-sync and degraded resources marked by text and a bar, not colour alone.
 *
 * @public
 */
export const ResourceTree = () => {
  const resources = useLiveEntityQuery((api, entity) =>
    api.getResources(entity),
  );

  let content: JSX.Element;
  if (resources.loading && !resources.value) content = <Progress />;
  else if (resources.error)
    content = <ResponseErrorPanel error={resources.error} />;
  else {
    const apps = resources.value?.applications ?? [];
    content = (
      <>
        <SourceErrors
          sources={resources.value?.sources ?? []}
          kinds={['deployment']}
        />
        {apps.length === 0 && (
          <Typography variant="body2">No resources to show.</Typography>
        )}
        {apps.map(app => {
          const uids = new Set(app.resources.map(r => r.uid).filter(Boolean));
          const byParent = new Map<string, ResourceNode[]>();
          const roots: ResourceNode[] = [];
          for (const r of app.resources) {
            const parent = r.parentUids?.find(uid => uids.has(uid));
            if (parent)
              byParent.set(parent, [...(byParent.get(parent) ?? []), r]);
            else roots.push(r);
          }
          const attention = app.resources.filter(needsAttention).length;
          return (
            <Box key={`${app.instance}/${app.name}`} mb={2}>
              <Typography variant="h6" component="h3">
                {app.name}{' '}
                <Typography variant="caption" component="span">
                  ({app.environment}, {app.resources.length} resources
                  {attention ? `, ${attention} need attention` : ''})
                </Typography>
              </Typography>
              <NodeList nodes={roots} byParent={byParent} depth={0} />
            </Box>
          );
        })}
      </>
    );
  }
  return <InfoCard title="Resources">{content}</InfoCard>;
};
