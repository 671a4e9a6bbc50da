import { useState } from 'react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { WindowToggle } from './WindowToggle';

function Harness(props: { onChange: (value: number) => void }) {
  const [days, setDays] = useState(30);
  return (
    <WindowToggle
      label="DORA window"
      options={[30, 90]}
      value={days}
      text={d => `${d}d`}
      ariaLabel={d => `Last ${d} days`}
      onChange={d => {
        setDays(d);
        props.onChange(d);
      }}
    />
  );
}

describe('WindowToggle', () => {
  it('switches the window, and keeps it when the selected option is clicked again', async () => {
    const onChange = jest.fn();
    await renderInTestApp(<Harness onChange={onChange} />);
    const group = screen.getByRole('group', { name: 'DORA window' });
    expect(group).toHaveTextContent('30d90d');
    const ninety = screen.getByRole('button', { name: 'Last 90 days' });
    await userEvent.click(ninety);
    expect(onChange).toHaveBeenLastCalledWith(90);
    expect(ninety).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(ninety);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(ninety).toHaveAttribute('aria-pressed', 'true');
  });

  it('names each option "Last <option>" by default', async () => {
    await renderInTestApp(
      <WindowToggle
        label="Cost window"
        options={['7d', '30d']}
        value="7d"
        onChange={() => {}}
      />,
    );
    expect(screen.getByRole('button', { name: 'Last 7d' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(screen.getByRole('button', { name: 'Last 30d' })).toHaveTextContent(
      '30d',
    );
  });
});
