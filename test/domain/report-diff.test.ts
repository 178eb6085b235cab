import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import {
  comparedPeriod,
  diffReport,
  type OurConversion,
  parseReportDate,
  type ReadOptions,
  ReportShapeError,
  readReport,
  type TheirRow,
} from '../../src/domain/report-diff';

const opts = (overrides: Partial<ReadOptions> = {}): ReadOptions => ({
  columns: {},
  statusMap: {},
  defaultCurrency: 'EUR',
  amountsInMinorUnits: false,
  timeZone: 'UTC',
  ...overrides,
});

describe('readReport', () => {
  it('reads columns through the partner mapping, in any case', () => {
    const { rows } = parseCsv('N° commande;Montant;Statut;Date\r\nA1;10,50;Validée;24/11/2026 10:30\r\n');
    const read = readReport(rows, {
      ...opts(),
      columns: { transactionId: 'n° commande', amount: 'MONTANT', status: 'Statut', occurredAt: 'Date' },
      statusMap: { validée: 'approved' },
    });
    expect(read).toEqual({
      rows: [
        {
          line: 2,
          transactionId: 'A1',
          amountMinor: 1050,
          currency: 'EUR',
          status: 'approved',
          rawStatus: 'Validée',
          event: null,
          occurredAtMs: Date.parse('2026-11-24T10:30:00Z'),
        },
      ],
      issues: [],
    });
  });

  it('uses canonical names for unmapped columns and reads our statuses as they are', () => {
    const { rows } = parseCsv('transactionId,amount,currency,status,event\nB2,1044,usd,Pending,lead\n');
    expect(readReport(rows, opts({ amountsInMinorUnits: true })).rows[0]).toMatchObject({
      transactionId: 'B2',
      amountMinor: 1044,
      currency: 'USD',
      status: 'pending',
      event: 'lead',
    });
  });

  it('keeps an unknown status raw, without comparing it', () => {
    const { rows } = parseCsv('transactionId,status\nC3,on hold\n');
    expect(readReport(rows, opts()).rows[0]).toMatchObject({ status: null, rawStatus: 'on hold' });
  });

  it('turns unreadable rows into issues with their line', () => {
    const { rows } = parseCsv(
      'transactionId,amount,occurredAt,currency\n,1,,\nD4,abc,,\nD5,1,31/02/2026,\nD6,1,,XXX\nD7,2,,\n',
    );
    const read = readReport(rows, opts());
    expect(read.rows.map((r) => r.transactionId)).toEqual(['D7']);
    expect(read.issues).toEqual([
      { line: 2, message: 'No transaction id.' },
      { line: 3, message: 'Amount "abc" is not an amount.' },
      { line: 4, message: 'Date "31/02/2026" cannot be read.' },
      { line: 5, message: 'Unknown currency "XXX".' },
    ]);
  });

  it('refuses a report without a transaction id column', () => {
    expect(() => readReport([['id', 'amount']], opts({ columns: { transactionId: 'order' } }))).toThrow(
      ReportShapeError,
    );
  });
});

describe('parseReportDate', () => {
  it.each([
    ['2026-11-24', '2026-11-24T00:00:00Z'],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00Z'],
    ['2026-11-24T10:00:00+01:00', '2026-11-24T09:00:00Z'],
    ['2026-11-24 10:00:00', '2026-11-24T10:00:00Z'],
    ['24/11/2026', '2026-11-24T00:00:00Z'],
    ['4.1.2026 9:05', '2026-01-04T09:05:00Z'],
  ])('reads %s', (text, iso) => {
    expect(parseReportDate(text, 'UTC')).toBe(Date.parse(iso));
  });

  it.each([
    ['24/11/2026 10:30', '2026-11-24T09:30:00Z'],
    ['2026-12-01', '2026-11-30T23:00:00Z'],
    ['2026-12-01 00:30', '2026-11-30T23:30:00Z'],
    ['2026-07-14T10:00:00', '2026-07-14T08:00:00Z'],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00Z'],
    ['2026-11-24T00:30:00+01:00', '2026-11-23T23:30:00Z'],
  ])("reads %s in the programme's zone unless it carries its offset", (text, iso) => {
    expect(parseReportDate(text, 'Europe/Paris')).toBe(Date.parse(iso));
  });

  it.each(['yesterday', '11/24/2026', '2026-13-01', '1732440000'])('refuses %s', (text) => {
    expect(parseReportDate(text, 'UTC')).toBeNull();
  });
});

const ours = (id: string, overrides: Partial<OurConversion> = {}): OurConversion => ({
  id: `cnv_${id}`,
  transactionId: id,
  event: 'sale',
  status: 'approved',
  amountMinor: 1_000,
  currency: 'EUR',
  occurredAtMs: Date.parse('2026-11-24T10:00:00Z'),
  ...overrides,
});
const theirs = (id: string, overrides: Partial<TheirRow> = {}): TheirRow => ({
  line: 2,
  transactionId: id,
  amountMinor: 1_000,
  currency: 'EUR',
  status: 'approved',
  rawStatus: 'approved',
  event: null,
  occurredAtMs: Date.parse('2026-11-24T10:00:00Z'),
  ...overrides,
});
const day = { startMs: Date.parse('2026-11-24T00:00:00Z'), endMs: Date.parse('2026-11-25T00:00:00Z') };

describe('diffReport', () => {
  it('finds nothing when both sides agree', () => {
    const { discrepancies, summary } = diffReport([ours('A')], [theirs('A')], day);
    expect(discrepancies).toEqual([]);
    expect(summary).toMatchObject({ theirRows: 1, matched: 1, missingHere: 0, missingThere: 0 });
  });

  it('lists what is missing on either side', () => {
    const { discrepancies } = diffReport([ours('A'), ours('B')], [theirs('A'), theirs('Z', { line: 3 })], day);
    expect(discrepancies).toEqual([
      {
        kind: 'missing_here',
        transactionId: 'Z',
        ours: null,
        theirs: {
          line: 3,
          event: null,
          status: 'approved',
          rawStatus: 'approved',
          amountMinor: 1_000,
          currency: 'EUR',
        },
      },
      {
        kind: 'missing_there',
        transactionId: 'B',
        ours: { conversionId: 'cnv_B', event: 'sale', status: 'approved', amountMinor: 1_000, currency: 'EUR' },
        theirs: null,
      },
    ]);
  });

  it('lists amount and status mismatches', () => {
    const { discrepancies, summary } = diffReport(
      [ours('A'), ours('B'), ours('C')],
      [theirs('A', { amountMinor: 999 }), theirs('B', { status: 'reversed' }), theirs('C', { currency: 'USD' })],
      day,
    );
    expect(discrepancies.map((d) => [d.kind, d.transactionId])).toEqual([
      ['amount_mismatch', 'A'],
      ['status_mismatch', 'B'],
      ['amount_mismatch', 'C'],
    ]);
    expect(summary).toMatchObject({ amountMismatches: 2, statusMismatches: 1 });
  });

  it('does not compare what their report leaves out', () => {
    const { discrepancies } = diffReport([ours('A')], [theirs('A', { amountMinor: null, status: null })], day);
    expect(discrepancies).toEqual([]);
  });

  it('expects of them only our counted conversions of the period', () => {
    const { discrepancies } = diffReport(
      [ours('R', { status: 'rejected' }), ours('X', { status: 'reversed' }), ours('O', { occurredAtMs: day.endMs })],
      [],
      day,
    );
    expect(discrepancies).toEqual([]);
  });

  it('does not look for missing rows there without a period', () => {
    expect(diffReport([ours('A')], [], null).discrepancies).toEqual([]);
  });

  it('matches by event when the report gives one, else our sale', () => {
    const both = [ours('A', { id: 'cnv_lead', event: 'lead' }), ours('A', { id: 'cnv_sale' })];
    expect(
      diffReport(both, [theirs('A', { event: 'lead', amountMinor: 5 })], null).discrepancies[0]?.ours?.conversionId,
    ).toBe('cnv_lead');
    expect(diffReport(both, [theirs('A', { amountMinor: 5 })], null).discrepancies[0]?.ours?.conversionId).toBe(
      'cnv_sale',
    );
  });

  it('ignores repeated rows of one transaction', () => {
    const { discrepancies, summary } = diffReport([ours('A')], [theirs('A'), theirs('A', { amountMinor: 1 })], day);
    expect(discrepancies).toEqual([]);
    expect(summary.duplicates).toBe(1);
  });
});

describe('comparedPeriod', () => {
  const on = (date: string, line = 2) => theirs(`T${line}`, { line, occurredAtMs: Date.parse(`${date}T12:00:00Z`) });

  it('spans the first and last dates of their rows, whatever their order', () => {
    expect(comparedPeriod([on('2026-11-20'), on('2026-11-03', 3), on('2026-11-12', 4)], {}, 'UTC')).toEqual({
      from: '2026-11-03',
      to: '2026-11-20',
      startMs: Date.parse('2026-11-03T00:00:00Z'),
      endMs: Date.parse('2026-11-21T00:00:00Z'),
    });
  });

  it('takes the days asked for over their dates, one end or both', () => {
    const rows = [on('2026-11-20'), on('2026-11-03', 3)];
    expect(comparedPeriod(rows, { from: '2026-11-01' }, 'UTC')).toMatchObject({ from: '2026-11-01', to: '2026-11-20' });
    expect(comparedPeriod(rows, { from: '2026-10-01', to: '2026-10-31' }, 'UTC')).toMatchObject({
      from: '2026-10-01',
      to: '2026-10-31',
    });
  });

  it("counts in the programme's days: a sale at 00:30 in Paris on 1 December is of that day", () => {
    const rows = [theirs('A', { occurredAtMs: Date.parse('2026-11-30T23:30:00Z') })];
    expect(comparedPeriod(rows, {}, 'Europe/Paris')).toEqual({
      from: '2026-12-01',
      to: '2026-12-01',
      startMs: Date.parse('2026-11-30T23:00:00Z'),
      endMs: Date.parse('2026-12-01T23:00:00Z'),
    });
  });

  it('is unknown while an end is: no dated row and no day asked for', () => {
    expect(comparedPeriod([theirs('A', { occurredAtMs: null })], {}, 'UTC')).toBeNull();
    expect(comparedPeriod([], { from: '2026-11-01' }, 'UTC')).toBeNull();
  });

  it('leaves a start after the end for the caller to refuse', () => {
    expect(comparedPeriod([on('2026-11-03')], { from: '2026-11-10' }, 'UTC')).toMatchObject({
      from: '2026-11-10',
      to: '2026-11-03',
    });
  });
});
