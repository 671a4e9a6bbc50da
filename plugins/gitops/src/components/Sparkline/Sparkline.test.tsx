import { render, screen } from '@testing-library/react';
import { Sparkline } from './Sparkline';

const points = () =>
  screen
    .getAllByTestId('sparkline-point')
    .map(c => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);

describe('Sparkline', () => {
  it('draws one point per value, left to right, higher values higher up', () => {
    render(<Sparkline values={[1, 3, 2]} label="Deployments per week" />);
    expect(
      screen.getByRole('img', { name: 'Deployments per week' }),
    ).toBeInTheDocument();
    const [a, b, c] = points();
    expect(a[0]).toBeLessThan(b[0]);
    expect(b[0]).toBeLessThan(c[0]);
    // SVG y grows downwards: the largest value has the smallest y.
    expect(b[1]).toBeLessThan(c[1]);
    expect(c[1]).toBeLessThan(a[1]);
    expect(document.querySelectorAll('polyline')).toHaveLength(1);
  });

  it('breaks the line at a bucket without a sample instead of drawing a zero', () => {
    render(<Sparkline values={[2, 4, null, 3, 5]} label="Lead time" />);
    expect(points()).toHaveLength(4);
    expect(document.querySelectorAll('polyline')).toHaveLength(2);
  });

  it('shows a single sample as a dot, and nothing for an empty series', () => {
    const { unmount } = render(
      <Sparkline values={[null, 7, null]} label="Time to restore" />,
    );
    expect(points()).toHaveLength(1);
    expect(document.querySelectorAll('polyline')).toHaveLength(0);
    unmount();
    render(<Sparkline values={[null, null]} label="Nothing" />);
    expect(screen.queryAllByTestId('sparkline-point')).toHaveLength(0);
  });

  it('keeps a flat series inside the box', () => {
    render(<Sparkline values={[0, 0, 0]} label="Flat" height={20} />);
    for (const [, cy] of points()) {
      expect(cy).toBeGreaterThanOrEqual(0);
      expect(cy).toBeLessThanOrEqual(20);
    }
  });
});
