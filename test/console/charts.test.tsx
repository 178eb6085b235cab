// Server-drawn charts: an accessible SVG and the same figures in a table.
import { describe, expect, it } from 'vitest';
import { BarChart } from '../../src/console/ui/charts/bar-chart';
import { labelIndexes, niceCeiling, valueAxis } from '../../src/console/ui/charts/scale';
import { TimeSeriesChart } from '../../src/console/ui/charts/time-series';

const html = (node: unknown) => String(node);
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe('chart scales', () => {
  it('rounds the top of the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.4, 1, 3, 7, 10, 11, 1234, 5000].map(niceCeiling)).toEqual([1, 0.5, 1, 5, 10, 10, 20, 2000, 5000]);
  });

  it('ticks counts at whole numbers only, and amounts at round steps', () => {
    expect(valueAxis(3, 4, true)).toEqual({ top: 3, ticks: [0, 1, 2, 3] });
    expect(valueAxis(1, 4, true)).toEqual({ top: 1, ticks: [0, 1] });
    expect(valueAxis(0, 4, true)).toEqual({ top: 1, ticks: [0, 1] });
    expect(valueAxis(1234, 4, true)).toEqual({ top: 1500, ticks: [0, 500, 1000, 1500] });
    expect(valueAxis(0.3, 4, false)).toEqual({ top: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
  });

  it('spreads axis labels evenly, first and last always shown', () => {
    expect(labelIndexes(31, 4)).toEqual([0, 10, 20, 30]);
    expect(labelIndexes(3, 6)).toEqual([0, 1, 2]);
    expect(labelIndexes(0, 6)).toEqual([]);
  });
});

describe('TimeSeriesChart', () => {
  const chart = html(
    <TimeSeriesChart
      id="clicks"
      title="Clicks per day"
      lang="en"
      labels={['1 Dec', '2 Dec', '3 Dec']}
      series={[
        { name: 'Clicks', values: [10, 40, 25] },
        { name: 'Conversions', values: [1, 3, 2] },
      ]}
      format={(n) => String(n)}
    />,
  );

  it('is an image named by its title and described by its figures', () => {
    expect(chart).toContain('<svg');
    expect(chart).toContain('role="img"');
    expect(chart).toContain('aria-labelledby="clicks-title clicks-desc"');
    expect(chart).toContain('<title id="clicks-title">Clicks per day</title>');
    expect(chart).toContain('Clicks: total 75, highest on 2 Dec (40)');
  });

  it('draws one line per series', () => {
    expect(count(chart, /<polyline/g)).toBe(2);
  });

  it('gives every figure in a table, one row per point', () => {
    const table = chart.slice(chart.indexOf('<table'));
    expect(table).toContain('<caption>Clicks per day</caption>');
    expect(count(table, /<th scope="row">/g)).toBe(3);
    expect(table).toMatch(/<th scope="row">2 Dec<\/th><td class="num">40<\/td><td class="num">3<\/td>/);
  });

  it('labels a small count axis with whole numbers', () => {
    const small = html(
      <TimeSeriesChart
        id="s"
        title="Sales"
        lang="en"
        labels={['a', 'b']}
        series={[{ name: 'Sales', values: [1, 3] }]}
        format={String}
      />,
    );
    const ticks = [...small.matchAll(/<text class="tick" x="50"[^>]*>([^<]+)</g)].map((t) => t[1]);
    expect(ticks).toEqual(['0', '1', '2', '3']);
  });

  it('lets the keyboard scroll its table when it is wider than the screen', () => {
    expect(chart).toContain('<section class="table-wrap" tabindex="0" aria-label="Clicks per day">');
  });

  it('says when there is nothing to show, in the page language', () => {
    const empty = html(
      <TimeSeriesChart
        id="e"
        title="Clics"
        lang="fr"
        labels={[]}
        series={[{ name: 'Clics', values: [] }]}
        format={String}
      />,
    );
    expect(empty).toContain('Aucune donnée sur cette période.');
  });
});

describe('BarChart', () => {
  const chart = html(
    <BarChart
      id="top"
      title="Top partners"
      lang="en"
      valueName="Revenue"
      bars={[
        { label: 'Autodoc', value: 300 },
        { label: 'Norauto & <Midas>', value: 100 },
      ]}
      format={(n) => `€${n}`}
    />,
  );

  it('draws one bar per entry, to scale', () => {
    expect(count(chart, /<rect class="bar"/g)).toBe(2);
    // 300 against an axis ending at 500, over 350 units of width.
    expect(chart).toContain('width="210"');
    expect(chart).toContain('width="70"');
  });

  it('escapes labels and repeats the figures in a table', () => {
    expect(chart).toContain('Norauto &amp; &lt;Midas&gt;');
    expect(chart).not.toContain('<Midas>');
    expect(chart).toMatch(/<th scope="row">Autodoc<\/th><td class="num">€300<\/td>/);
  });
});
