import { describe, expect, it } from 'vitest';
import { parseEcbRates, ratesInForce } from '../../src/domain/ecb-rates';
import daily from '../fixtures/ecb/eurofxref-daily.xml?raw';
import ninetyDays from '../fixtures/ecb/eurofxref-hist-90d.xml?raw';
import maintenance from '../fixtures/ecb/maintenance.html?raw';

const envelope = (cubes: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube>${cubes}</Cube></gesmes:Envelope>`;

describe('parseEcbRates', () => {
  it('reads the daily file: one day, every quote as its exact decimal text', () => {
    const parsed = parseEcbRates(daily);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.days.map((d) => d.date)).toEqual(['2030-03-12']);
    const [day] = parsed.days;
    expect(Object.keys(day?.rates ?? {})).toHaveLength(29);
    expect(day?.rates).toMatchObject({ USD: '1.0812', JPY: '161.93', GBP: '0.85215', ISK: '149.30', IDR: '16912.07' });
  });

  it('reads the 90-day file, double-quoted and newest first, into days oldest first', () => {
    const parsed = parseEcbRates(ninetyDays);
    expect(parsed).toEqual({
      ok: true,
      days: [
        { date: '2030-03-07', rates: { USD: '1.0761', JPY: '160.44', GBP: '0.84911', CHF: '0.9384' } },
        { date: '2030-03-08', rates: { USD: '1.0775', JPY: '160.87', GBP: '0.8498', CHF: '0.9398' } },
        { date: '2030-03-11', rates: { USD: '1.0796', JPY: '161.52', GBP: '0.85102', CHF: '0.9405' } },
        { date: '2030-03-12', rates: { USD: '1.0812', JPY: '161.93', GBP: '0.85215', CHF: '0.9421' } },
      ],
    });
  });

  it('leaves out currencies the euro replaced, the euro itself and rates that are not positive decimals', () => {
    const parsed = parseEcbRates(
      envelope(`<Cube time='2007-12-31'>
        <Cube currency='USD' rate='1.4721'/><Cube currency='CYP' rate='0.585274'/><Cube currency='EUR' rate='1'/>
        <Cube currency='GBP' rate='N/A'/><Cube currency='JPY' rate='0'/><Cube currency='CHF' rate='-1.6'/>
        <Cube currency='SEK' rate='9.4415 '/><Cube currency='usd' rate='1.4'/>
      </Cube><Cube time='2007-12-30'><Cube currency='CYP' rate='0.5853'/></Cube>`),
    );
    expect(parsed).toEqual({ ok: true, days: [{ date: '2007-12-31', rates: { USD: '1.4721', SEK: '9.4415' } }] });
  });

  it('refuses what is not a reference-rate file', () => {
    expect(parseEcbRates(maintenance)).toEqual({
      ok: false,
      message: 'Not an ECB reference-rate file: no dated day of rates (<Cube time="YYYY-MM-DD">) was found.',
    });
    expect(parseEcbRates('')).toMatchObject({ ok: false });
    expect(parseEcbRates(envelope(`<Cube currency='USD' rate='1.08'/>`))).toEqual({
      ok: false,
      message: 'Not an ECB reference-rate file: a rate comes before any dated day.',
    });
    expect(parseEcbRates(envelope(`<Cube time='2030-02-30'><Cube currency='USD' rate='1.08'/></Cube>`))).toEqual({
      ok: false,
      message: 'Not an ECB reference-rate file: a day is dated "2030-02-30".',
    });
  });

  it('answers no day for a file whose days hold no usable rate', () => {
    expect(parseEcbRates(envelope(`<Cube time='2030-03-12'></Cube>`))).toEqual({ ok: true, days: [] });
  });
});

describe('ratesInForce', () => {
  it('gives the days between two published ones the rates of the earlier one', () => {
    const parsed = parseEcbRates(ninetyDays);
    if (!parsed.ok) throw new Error(parsed.message);
    const days = ratesInForce(parsed.days);
    expect(days.map((d) => [d.date, d.rates.USD])).toEqual([
      ['2030-03-07', '1.0761'],
      ['2030-03-08', '1.0775'],
      ['2030-03-09', '1.0775'],
      ['2030-03-10', '1.0775'],
      ['2030-03-11', '1.0796'],
      ['2030-03-12', '1.0812'],
    ]);
  });

  it('fills nothing before the first day or after the last', () => {
    const one = [{ date: '2030-03-08', rates: { USD: '1.0775' } }];
    expect(ratesInForce(one)).toEqual(one);
    expect(ratesInForce([])).toEqual([]);
  });

  it('fills a long holiday across the end of a year', () => {
    const days = ratesInForce([
      { date: '2030-12-24', rates: { USD: '1.1' } },
      { date: '2031-01-02', rates: { USD: '1.2' } },
    ]);
    expect(days.map((d) => d.date)).toEqual([
      '2030-12-24',
      '2030-12-25',
      '2030-12-26',
      '2030-12-27',
      '2030-12-28',
      '2030-12-29',
      '2030-12-30',
      '2030-12-31',
      '2031-01-01',
      '2031-01-02',
    ]);
    expect(days[8]?.rates).toEqual({ USD: '1.1' });
  });
});
