// A report's table: the cells the page writes and the CSV holds come from the same rows.
import { describe, expect, it } from 'vitest';
import { breakdownTable, csvCell, MAX_LINES, shownCell, timeTable } from '../../src/console/reports/report-table';
import { formatOf } from '../../src/console/ui/locale';
import type { BreakdownLine } from '../../src/services/live-reports';

const line = (value: string, clicks: number, over: Partial<BreakdownLine> = {}): BreakdownLine => ({
  value,
  clicks,
  uniqueClicks: clicks,
  botClicks: 0,
  conversions: 0,
  revenueMinor: 0,
  commissionMinor: 0,
  currency: 'EUR',
  ...over,
});

describe('breakdownTable', () => {
  const en = formatOf('en', 'UTC');

  it('writes each figure for the page and as a plain value for the CSV', () => {
    const table = breakdownTable(
      'en',
      'sub1',
      [line('clio-iv', 4, { conversions: 1, revenueMinor: 12_000, commissionMinor: 960 }), line('(none)', 1)],
      false,
    );
    expect(table.headers).toEqual([
      'Vehicle type (sub1)',
      'Clicks',
      'Unique clicks',
      'Conversions',
      'Conversion rate',
      'Revenue',
      'Commission',
      'Currency',
    ]);
    expect(table.rows.map((r) => r.map((c) => shownCell(c, en)))).toEqual([
      ['clio-iv', '4', '4', '1', '25%', '€120.00', '€9.60', 'EUR'],
      ['Not set', '1', '1', '0', '0%', '€0.00', '€0.00', 'EUR'],
    ]);
    expect(table.rows.map((r) => r.map(csvCell))).toEqual([
      ['clio-iv', 4, 4, 1, 0.25, 120, 9.6, 'EUR'],
      ['Not set', 1, 1, 0, 0, 0, 0, 'EUR'],
    ]);
  });

  it('counts bot clicks in the clicks, in a column of their own, only when asked', () => {
    const lines = [line('mobile', 2, { botClicks: 5 }), line('desktop', 3)];
    expect(breakdownTable('en', 'device', lines, false).bars).toEqual([
      { label: 'mobile', value: 2 },
      { label: 'desktop', value: 3 },
    ]);
    const withBots = breakdownTable('en', 'device', lines, true);
    expect(withBots.headers).toContain('Bot clicks');
    expect(withBots.rows.map((r) => r.map(csvCell).slice(0, 5))).toEqual([
      ['mobile', 7, 2, 5, 0],
      ['desktop', 3, 3, 0, 0],
    ]);
  });

  it(`sums the values past the first ${MAX_LINES} into one line per currency`, () => {
    const many = Array.from({ length: MAX_LINES + 3 }, (_, i) => line(`v${i}`, 1000 - i, { commissionMinor: 100 }));
    many.push(line('usd', 1, { currency: 'USD', commissionMinor: 50 }));
    const table = breakdownTable('fr', 'source', many, false);
    expect(table.rows).toHaveLength(MAX_LINES + 2);
    expect(table.rows.slice(-2).map((r) => r.map(csvCell))).toEqual([
      ['Autres valeurs (3)', 2_697, 2_697, 0, 0, 0, 3, 'EUR'],
      ['Autres valeurs (1)', 1, 1, 0, 0, 0, 0.5, 'USD'],
    ]);
    expect(table.bars).toHaveLength(15);
    expect(table.bars[0]?.label).toBe('v0 · EUR');
  });
});

describe('timeTable', () => {
  it('names every bucket in the language, with its share', () => {
    const table = timeTable('fr', [
      { bucket: '<1m', conversions: 1, share: 0.25 },
      { bucket: '>30d', conversions: 3, share: 0.75 },
    ]);
    expect(table.headers).toEqual(['Délai de conversion', 'Conversions', 'Part']);
    expect(table.rows.map((r) => r.map((c) => shownCell(c, formatOf('fr', 'UTC'))))).toEqual([
      ["Moins d'une minute", '1', '25\u00a0%'],
      ['Plus de 30 jours', '3', '75\u00a0%'],
    ]);
  });
});
