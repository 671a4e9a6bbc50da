import { useTheme } from '@material-ui/core/styles';

/**
 * A tiny inline line chart of a series, oldest first, scaled to its own range. A `null` is a gap
 * (a bucket without a sample): the line breaks there instead of pretending a zero. Each point is a
 * dot, so a single sample still shows. `label` names the chart for screen readers and as a tooltip.
 *
 * @public
 */
export const Sparkline = ({
  values,
  label,
  width = 120,
  height = 28,
}: {
  values: Array<number | null>;
  label: string;
  width?: number;
  height?: number;
}) => {
  const theme = useTheme();
  const pad = 3;
  const present = values.filter((v): v is number => v !== null);
  const min = Math.min(0, ...present);
  const max = Math.max(...present, min + 1e-9);
  const x = (i: number) =>
    values.length < 2
      ? width / 2
      : pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) =>
    height - pad - ((v - min) * (height - 2 * pad)) / (max - min);

  // Runs of consecutive samples, each drawn as one line.
  const runs: Array<Array<[number, number]>> = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const point: [number, number] = [x(i), y(v)];
    if (i > 0 && values[i - 1] !== null) runs[runs.length - 1].push(point);
    else runs.push([point]);
  });

  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      style={{ display: 'block', overflow: 'visible' }}
    >
      <title>{label}</title>
      {runs
        .filter(run => run.length > 1)
        .map(run => (
          <polyline
            key={run[0].join(',')}
            points={run.map(p => p.join(',')).join(' ')}
            fill="none"
            stroke={theme.palette.primary.main}
            strokeWidth={1.5}
          />
        ))}
      {runs.flat().map(([cx, cy]) => (
        <circle
          key={`${cx},${cy}`}
          data-testid="sparkline-point"
          cx={cx}
          cy={cy}
          r={2}
          fill={theme.palette.primary.main}
        />
      ))}
    </svg>
  );
};
