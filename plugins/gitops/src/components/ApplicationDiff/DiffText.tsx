import { alpha, makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  pre: {
    margin: 0,
    padding: theme.spacing(0.5, 0),
    maxHeight: 400,
    overflow: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.8125rem',
    lineHeight: 1.5,
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  line: {
    display: 'block',
    minWidth: 'fit-content',
    padding: theme.spacing(0, 1),
    whiteSpace: 'pre',
    textDecoration: 'none',
    color: theme.palette.text.primary,
  },
  removed: { background: alpha(theme.palette.error.main, 0.18) },
  added: { background: alpha(theme.palette.success.main, 0.18) },
  muted: { color: theme.palette.text.secondary },
  hunk: { background: alpha(theme.palette.info.main, 0.08) },
}));

/**
 * A unified diff, live (`-`) to git (`+`). Removed and added lines keep their sign and are `del`
 * and `ins` elements, so they read without colour (screen readers announce deletion and
 * insertion); hunk headers are muted. The `--- a/…` / `+++ b/…` file header says nothing here.
 */
export const DiffText = ({ text, label }: { text: string; label: string }) => {
  const classes = useStyles();
  const lines = text.replace(/\n$/, '').split('\n');
  const firstHunk = lines.findIndex(l => l.startsWith('@@'));
  const shown = lines.filter(
    (l, i) => !(i < firstHunk && /^(---|\+\+\+) /.test(l)),
  );
  return (
    <pre className={classes.pre} aria-label={label}>
      {shown.map((line, i) => {
        if (line.startsWith('@@') || line.startsWith('\\')) {
          const hunk = line.startsWith('@@') ? classes.hunk : '';
          return (
            <span
              key={i}
              className={`${classes.line} ${classes.muted} ${hunk}`}
            >
              {line}
            </span>
          );
        }
        if (line.startsWith('-')) {
          return (
            <del key={i} className={`${classes.line} ${classes.removed}`}>
              {line}
            </del>
          );
        }
        if (line.startsWith('+')) {
          return (
            <ins key={i} className={`${classes.line} ${classes.added}`}>
              {line}
            </ins>
          );
        }
        return (
          <span key={i} className={classes.line}>
            {line}
          </span>
        );
      })}
    </pre>
  );
};
