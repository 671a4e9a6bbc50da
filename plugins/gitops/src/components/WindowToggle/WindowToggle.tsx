import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';

/**
 * The window a card shows (7d / 30d of cost, 30 / 90 days of DORA): one choice always selected,
 * each option named for screen readers ("Last 30d").
 */
export function WindowToggle<T extends string | number>(props: {
  /** The group's accessible name ("Cost window"). */
  label: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  /** What an option shows, and its accessible name. */
  text?: (option: T) => string;
  ariaLabel?: (option: T) => string;
}) {
  const text = props.text ?? String;
  const ariaLabel = props.ariaLabel ?? ((o: T) => `Last ${o}`);
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.value}
      aria-label={props.label}
      // Clicking the selected option again gives null: the window stays.
      onChange={(_e, value: T | null) =>
        value !== null && props.onChange(value)
      }
    >
      {props.options.map(option => (
        <ToggleButton
          key={String(option)}
          value={option}
          aria-label={ariaLabel(option)}
        >
          {text(option)}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
