import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { conversions } from '../../src/db/schema';
import { statementCandidates } from '../../src/db/statements';
import { monthRangeIn } from '../../src/domain/calendar';
import { runStatements } from '../../src/services/statements';
import { createKey, createPartner } from '../support/builders';
import { api, call } from '../support/http';
import { insertConversion } from '../support/rows';

// Statements are numbered per year of issue: each test issues in a year of its own, on a clock
// set to the moment it makes them, so that its numbers are known exactly.
const clockAt = (iso: string) => vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(iso) });
afterEach(() => vi.useRealTimers());

/** A partner with the legal identity its statements print. */
function billedPartner(fields: Record<string, unknown> = {}) {
  return createPartner({
    name: 'Autodoc',
    legalName: 'Autodoc SE',
    address: '10 rue de la Paix, 75002 Paris',
    vatNumber: 'FR12345678901',
    ...fields,
  });
}

const run = (month: string, partnerId?: string, expect = 200) =>
  api('POST', '/api/v1/statements/run', { body: { month, partnerId }, expect });

const stated = async (id: string) =>
  dbOf(env)
    .select({ stated: conversions.statedCommissionMinor, statementId: conversions.statementId })
    .from(conversions)
    .where(eq(conversions.id, id))
    .get();

describe('POST /api/v1/statements/run', () => {
  it("states the month's approved conversions at their commission, with VAT, the legal identity and the due date", async () => {
    const p = await billedPartner();
    const first = await insertConversion(p.id, '2041-03-02T09:00:00Z', { commissionMinor: 800 });
    const second = await insertConversion(p.id, '2041-03-31T23:59:59Z', {
      amountMinor: 15_000,
      refundedAmountMinor: 2_000,
      commissionMinor: 1_234,
    });
    // Not stated yet: pending, rejected, waiting for a rate, or of the next month.
    const pending = await insertConversion(p.id, '2041-03-03T09:00:00Z', { status: 'pending' });
    await insertConversion(p.id, '2041-03-04T09:00:00Z', { status: 'rejected', commissionMinor: 0 });
    await insertConversion(p.id, '2041-03-05T09:00:00Z', { currency: 'USD' });
    await insertConversion(p.id, '2041-04-01T00:00:00Z');

    clockAt('2041-04-01T00:05:00Z');
    const res = await run('2041-03', p.id);
    const statement = {
      id: expect.stringMatching(/^stm_/),
      number: 'REL-2041-0001',
      partnerId: p.id,
      month: '2041-03',
      currency: 'EUR',
      commission: 20.34,
      adjustments: 0,
      totalExclVat: 20.34,
      vatRate: 20,
      vat: 4.07,
      totalInclVat: 24.41,
      status: 'issued',
      issuedAt: '2041-04-01T00:05:00.000Z',
      dueAt: '2041-05-01T00:05:00.000Z',
      overdue: false,
      paidAt: null,
      billedTo: {
        name: 'Autodoc',
        legalName: 'Autodoc SE',
        address: '10 rue de la Paix, 75002 Paris',
        vatNumber: 'FR12345678901',
      },
      // The seller, from the ISSUER_* settings (vitest.config.ts).
      issuedBy: {
        name: 'Assistant Auto Ultime SAS',
        address: '5 avenue des Ternes, 75017 Paris',
        vatNumber: 'FR98765432109',
        registration: 'RCS Paris 987 654 321',
      },
    };
    expect(res.body).toEqual({ month: '2041-03', made: 1, data: [statement] });

    const id = res.body.data[0].id;
    const detail = await api('GET', `/api/v1/statements/${id}`, { expect: 200 });
    expect(detail.body).toEqual({
      ...statement,
      lines: [
        {
          kind: 'commission',
          conversionId: first.id,
          transactionId: first.transactionId,
          occurredAt: '2041-03-02T09:00:00.000Z',
          amount: 100,
          commission: 8,
        },
        {
          kind: 'commission',
          conversionId: second.id,
          transactionId: second.transactionId,
          occurredAt: '2041-03-31T23:59:59.000Z',
          amount: 130,
          commission: 12.34,
        },
      ],
    });
    expect(await stated(first.id)).toEqual({ stated: 800, statementId: id });
    expect(await stated(second.id)).toEqual({ stated: 1_234, statementId: id });
    expect(await stated(pending.id)).toEqual({ stated: null, statementId: null });
  });

  it('answers the same statement when run again, and makes none for a partner with nothing to state', async () => {
    const p = await billedPartner();
    const idle = await billedPartner();
    await insertConversion(p.id, '2042-05-10T09:00:00Z');
    await insertConversion(idle.id, '2042-05-10T09:00:00Z', { status: 'pending' });
    clockAt('2042-06-02T08:00:00Z');
    const first = await run('2042-05', p.id);
    vi.setSystemTime(Date.parse('2042-06-03T08:00:00Z'));
    await insertConversion(p.id, '2042-05-11T09:00:00Z');
    const again = await run('2042-05', p.id);
    expect(again.body).toEqual({ ...first.body, made: 0 });
    expect(again.body.data[0]).toMatchObject({ number: 'REL-2042-0001', commission: 8 });
    expect((await run('2042-05', idle.id)).body).toEqual({ month: '2042-05', made: 0, data: [] });
    const list = await api('GET', `/api/v1/statements?partnerId=${p.id}`, { expect: 200 });
    expect(list.body.data).toHaveLength(1);
  });

  it("makes every partner's statement of the month without a partnerId", async () => {
    const a = await billedPartner();
    const b = await billedPartner();
    await insertConversion(a.id, '2043-02-10T09:00:00Z');
    await insertConversion(b.id, '2043-02-11T09:00:00Z', { commissionMinor: 500 });
    clockAt('2043-03-01T00:05:00Z');
    const res = await run('2043-02');
    const mine = res.body.data.filter((s: { partnerId: string }) => [a.id, b.id].includes(s.partnerId));
    expect(mine.map((s: { commission: number }) => s.commission).sort()).toEqual([5, 8]);
    expect(res.body.made).toBe(res.body.data.length);
    expect((await run('2043-02')).body.made).toBe(0);
  });

  it('states a deleted partner by its id', async () => {
    const gone = await billedPartner();
    await insertConversion(gone.id, '2043-04-10T09:00:00Z');
    await api('DELETE', `/api/v1/partners/${gone.id}`, { expect: 204 });
    clockAt('2043-05-01T00:05:00Z');
    expect((await run('2043-04', gone.id)).body.data).toEqual([
      expect.objectContaining({ partnerId: gone.id, commission: 8 }),
    ]);
  });

  it('takes an approved conversion that earns nothing off the list of conversions to state, without a line', async () => {
    const p = await billedPartner();
    const free = await insertConversion(p.id, '2043-06-10T09:00:00Z', { commissionMinor: 0 });
    clockAt('2043-07-01T00:05:00Z');
    expect((await run('2043-06', p.id)).body).toEqual({ month: '2043-06', made: 0, data: [] });
    expect(await stated(free.id)).toEqual({ stated: 0, statementId: null });
    const range = monthRangeIn('2043-07', 'UTC');
    expect(await statementCandidates(dbOf(env), { partnerId: p.id, currency: 'EUR', endMs: range.endMs })).toEqual([]);
  });

  it('refuses a month that is not over yet', async () => {
    const p = await billedPartner();
    clockAt('2044-05-31T23:59:59Z');
    for (const month of ['2044-05', '2044-06']) {
      const res = await run(month, p.id, 400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: ['month'] })]);
    }
    for (const month of ['2044-13', '2044-5', 'May']) {
      expect((await run(month, p.id, 400)).body.error.code).toBe('invalid_request');
    }
    expect((await run('2044-04', 'ptn_nobody', 404)).body.error.code).toBe('not_found');
  });

  it("counts months in the programme's time zone", async () => {
    const paris = { ...env, REPORT_TIMEZONE: 'Europe/Paris' };
    const p = await billedPartner();
    // 00:30 on 1 June in Paris: June's, not May's.
    await insertConversion(p.id, '2044-05-31T22:30:00Z', { commissionMinor: 100 });
    await insertConversion(p.id, '2044-05-31T21:30:00Z', { commissionMinor: 200 });
    // Before midnight in Paris, May is not over there.
    await expect(
      runStatements(paris, { month: '2044-05', partnerId: p.id }, Date.parse('2044-05-31T21:59:59Z')),
    ).rejects.toMatchObject({
      status: 400,
    });
    const [made] = await runStatements(
      paris,
      { month: '2044-05', partnerId: p.id },
      Date.parse('2044-05-31T22:00:00Z'),
    );
    expect(made?.statement).toMatchObject({ month: '2044-05', commissionMinor: 200, number: 'REL-2044-0001' });
  });

  it('needs an admin key', async () => {
    const p = await billedPartner();
    const key = (await createKey('partner', p.id)).key;
    const res = await api('POST', '/api/v1/statements/run', { key, body: { month: '2026-01', partnerId: p.id } });
    expect(res.status).toBe(403);
  });
});

describe('later corrections', () => {
  it('takes back on the next statement what a reversal or a refund removed from a conversion stated the month before', async () => {
    const p = await billedPartner();
    const reversed = await insertConversion(p.id, '2045-01-10T09:00:00Z', { commissionMinor: 800 });
    const refunded = await insertConversion(p.id, '2045-01-11T09:00:00Z', { commissionMinor: 800 });
    clockAt('2045-02-01T00:05:00Z');
    const january = (await run('2045-01', p.id)).body.data[0];
    expect(january).toMatchObject({ number: 'REL-2045-0001', commission: 16, totalInclVat: 19.2 });
    const januaryDetail = (await api('GET', `/api/v1/statements/${january.id}`, { expect: 200 })).body;

    vi.setSystemTime(Date.parse('2045-02-10T10:00:00Z'));
    await api('PATCH', `/api/v1/conversions/${reversed.id}`, { body: { status: 'reversed' }, expect: 200 });
    // Half the order refunded: half the commission taken back, the conversion still approved.
    await api('PATCH', `/api/v1/conversions/${refunded.id}`, { body: { refundedAmount: 50 }, expect: 200 });
    const february = await insertConversion(p.id, '2045-02-12T09:00:00Z', { commissionMinor: 500 });

    vi.setSystemTime(Date.parse('2045-03-01T00:05:00Z'));
    const next = (await run('2045-02', p.id)).body.data[0];
    expect(next).toMatchObject({
      number: 'REL-2045-0002',
      commission: 5,
      adjustments: -12,
      totalExclVat: -7,
      vat: -1.4,
      totalInclVat: -8.4,
    });
    const lines = (await api('GET', `/api/v1/statements/${next.id}`, { expect: 200 })).body.lines;
    expect(lines).toEqual([
      expect.objectContaining({ kind: 'commission', conversionId: february.id, commission: 5 }),
      expect.objectContaining({ kind: 'adjustment', conversionId: reversed.id, amount: 0, commission: -8 }),
      expect.objectContaining({ kind: 'adjustment', conversionId: refunded.id, amount: 50, commission: -4 }),
    ]);
    expect(await stated(reversed.id)).toEqual({ stated: 0, statementId: next.id });
    expect(await stated(refunded.id)).toEqual({ stated: 400, statementId: next.id });

    // The January statement is as it was issued.
    expect((await api('GET', `/api/v1/statements/${january.id}`, { expect: 200 })).body).toEqual(januaryDetail);
    // And nothing is left to correct.
    vi.setSystemTime(Date.parse('2045-04-01T00:05:00Z'));
    expect((await run('2045-03', p.id)).body.data).toEqual([]);
  });

  it('puts a conversion approved after its month was stated on the next statement, as a late line', async () => {
    const p = await billedPartner();
    await insertConversion(p.id, '2046-01-10T09:00:00Z', { commissionMinor: 800 });
    const late = await insertConversion(p.id, '2046-01-20T09:00:00Z', { status: 'pending', commissionMinor: 300 });
    clockAt('2046-02-01T00:05:00Z');
    const january = (await run('2046-01', p.id)).body.data[0];
    expect(january).toMatchObject({ commission: 8, adjustments: 0 });

    vi.setSystemTime(Date.parse('2046-02-15T10:00:00Z'));
    await api('PATCH', `/api/v1/conversions/${late.id}`, { body: { status: 'approved' }, expect: 200 });
    vi.setSystemTime(Date.parse('2046-03-01T00:05:00Z'));
    const february = (await run('2046-02', p.id)).body.data[0];
    expect(february).toMatchObject({ number: 'REL-2046-0002', commission: 0, adjustments: 3, totalExclVat: 3 });
    const lines = (await api('GET', `/api/v1/statements/${february.id}`, { expect: 200 })).body.lines;
    expect(lines).toEqual([
      {
        kind: 'late',
        conversionId: late.id,
        transactionId: late.transactionId,
        occurredAt: '2046-01-20T09:00:00.000Z',
        amount: 100,
        commission: 3,
      },
    ]);
    const januaryLines = (await api('GET', `/api/v1/statements/${january.id}`, { expect: 200 })).body.lines;
    expect(januaryLines).toHaveLength(1);
  });

  it('states a conversion in the month it occurred when it was approved by the time the statement was made', async () => {
    const p = await billedPartner();
    const c = await insertConversion(p.id, '2046-05-31T20:00:00Z', { status: 'pending' });
    clockAt('2046-06-01T00:01:00Z');
    await api('PATCH', `/api/v1/conversions/${c.id}`, { body: { status: 'approved' }, expect: 200 });
    vi.setSystemTime(Date.parse('2046-06-01T00:05:00Z'));
    const may = (await run('2046-05', p.id)).body.data[0];
    expect(may).toMatchObject({ month: '2046-05', commission: 8, adjustments: 0 });
  });
});

describe('numbering', () => {
  it('starts every year of issue at 0001', async () => {
    const a = await billedPartner();
    const b = await billedPartner();
    await insertConversion(a.id, '2047-11-10T09:00:00Z');
    await insertConversion(a.id, '2047-12-10T09:00:00Z');
    await insertConversion(b.id, '2047-12-11T09:00:00Z');
    clockAt('2047-12-01T00:05:00Z');
    expect((await run('2047-11', a.id)).body.data[0].number).toBe('REL-2047-0001');
    vi.setSystemTime(Date.parse('2048-01-01T00:05:00Z'));
    expect((await run('2047-12', a.id)).body.data[0]).toMatchObject({
      month: '2047-12',
      number: 'REL-2048-0001',
      issuedAt: '2048-01-01T00:05:00.000Z',
    });
    expect((await run('2047-12', b.id)).body.data[0].number).toBe('REL-2048-0002');
  });

  it('takes the year of issue in the programme’s zone', async () => {
    const paris = { ...env, REPORT_TIMEZONE: 'Europe/Paris' };
    const p = await billedPartner();
    await insertConversion(p.id, '2049-12-10T09:00:00Z');
    // 23:30 UTC on 31 December is 00:30 on 1 January in Paris.
    const [made] = await runStatements(
      paris,
      { month: '2049-12', partnerId: p.id },
      Date.parse('2049-12-31T23:30:00Z'),
    );
    expect(made?.statement.number).toBe('REL-2050-0001');
  });
});

describe('VAT', () => {
  it('is rounded half away from zero on the total, at the partner’s own rate when it has one', async () => {
    const reduced = await billedPartner({ vatRate: 5.5 });
    const exempt = await billedPartner({ vatRate: 0, vatNumber: 'DE123456789' });
    const standard = await billedPartner();
    // 10.10 at 5.5% = 0.5555: 0.56. Three lines of 3.33 at 20% = 1.998: 2.00 on the total.
    await insertConversion(reduced.id, '2051-01-10T09:00:00Z', { commissionMinor: 1_010 });
    await insertConversion(exempt.id, '2051-01-10T09:00:00Z', { commissionMinor: 1_010 });
    for (let i = 0; i < 3; i++) await insertConversion(standard.id, '2051-01-10T09:00:00Z', { commissionMinor: 333 });
    clockAt('2051-02-01T00:05:00Z');
    expect((await run('2051-01', reduced.id)).body.data[0]).toMatchObject({
      totalExclVat: 10.1,
      vatRate: 5.5,
      vat: 0.56,
      totalInclVat: 10.66,
    });
    expect((await run('2051-01', exempt.id)).body.data[0]).toMatchObject({ vatRate: 0, vat: 0, totalInclVat: 10.1 });
    expect((await run('2051-01', standard.id)).body.data[0]).toMatchObject({
      totalExclVat: 9.99,
      vatRate: 20,
      vat: 2,
      totalInclVat: 11.99,
    });
  });

  it('is at the rate VAT_RATE sets for the programme', async () => {
    const p = await billedPartner();
    await insertConversion(p.id, '2051-03-10T09:00:00Z', { commissionMinor: 1_000 });
    const [made] = await runStatements(
      { ...env, VAT_RATE: '8.5' },
      { month: '2051-03', partnerId: p.id },
      Date.parse('2051-04-01T00:05:00Z'),
    );
    expect(made?.statement).toMatchObject({ vatRateBp: 850, vatMinor: 85, totalInclVatMinor: 1_085 });
  });
});

describe('GET /api/v1/statements', () => {
  it('lists statements newest first by partner, month and status, page by page', async () => {
    const p = await billedPartner();
    for (const month of ['01', '02', '03']) await insertConversion(p.id, `2052-${month}-10T09:00:00Z`);
    for (const [i, month] of ['01', '02', '03'].entries()) {
      clockAt(`2052-04-01T00:0${i}:00Z`);
      await run(`2052-${month}`, p.id);
    }
    const page1 = await api('GET', `/api/v1/statements?partnerId=${p.id}&limit=2`, { expect: 200 });
    expect(page1.body.data.map((s: { month: string }) => s.month)).toEqual(['2052-03', '2052-02']);
    const page2 = await api('GET', `/api/v1/statements?partnerId=${p.id}&limit=2&cursor=${page1.body.nextCursor}`, {
      expect: 200,
    });
    expect(page2.body).toEqual({ data: [expect.objectContaining({ month: '2052-01' })], nextCursor: null });
    const february = await api('GET', `/api/v1/statements?partnerId=${p.id}&month=2052-02`, { expect: 200 });
    expect(february.body.data.map((s: { number: string }) => s.number)).toEqual(['REL-2052-0002']);
    expect((await api('GET', '/api/v1/statements?status=late', { expect: 400 })).body.error.code).toBe(
      'invalid_request',
    );
  });
});

describe('payment', () => {
  async function issued(year: number, fields: Record<string, unknown> = {}) {
    const p = await billedPartner(fields);
    await insertConversion(p.id, `${year}-01-10T09:00:00Z`);
    clockAt(`${year}-02-01T00:05:00Z`);
    return { partner: p, statement: (await run(`${year}-01`, p.id)).body.data[0] };
  }

  it('marks a statement paid once; the same date again changes nothing, another is 409', async () => {
    const { statement } = await issued(2053);
    vi.setSystemTime(Date.parse('2053-02-20T12:00:00Z'));
    const paid = await api('POST', `/api/v1/statements/${statement.id}/paid`, {
      body: { paidAt: '2053-02-19T10:00:00+01:00' },
      expect: 200,
    });
    expect(paid.body).toEqual({ ...statement, status: 'paid', paidAt: '2053-02-19T09:00:00.000Z' });
    const again = await api('POST', `/api/v1/statements/${statement.id}/paid`, {
      body: { paidAt: '2053-02-19T09:00:00Z' },
      expect: 200,
    });
    expect(again.body).toEqual(paid.body);
    const other = await api('POST', `/api/v1/statements/${statement.id}/paid`, {
      body: { paidAt: '2053-02-20T09:00:00Z' },
      expect: 409,
    });
    expect(other.body.error).toMatchObject({ code: 'already_paid', details: { paidAt: '2053-02-19T09:00:00.000Z' } });
    const list = await api('GET', `/api/v1/statements?partnerId=${statement.partnerId}&status=paid`, { expect: 200 });
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([statement.id]);
  });

  it('takes a date as its start, and refuses a time in the future or a statement that does not exist', async () => {
    const { statement } = await issued(2054);
    vi.setSystemTime(Date.parse('2054-02-20T12:00:00Z'));
    const future = await api('POST', `/api/v1/statements/${statement.id}/paid`, {
      body: { paidAt: '2054-02-20T12:00:01Z' },
      expect: 400,
    });
    expect(future.body.error.details).toEqual([expect.objectContaining({ path: ['paidAt'] })]);
    await api('POST', `/api/v1/statements/${statement.id}/paid`, { body: { paidAt: 'yesterday' }, expect: 400 });
    await api('POST', '/api/v1/statements/stm_nothing/paid', { body: { paidAt: '2054-02-20' }, expect: 404 });
    const paid = await api('POST', `/api/v1/statements/${statement.id}/paid`, {
      body: { paidAt: '2054-02-20' },
      expect: 200,
    });
    expect(paid.body.paidAt).toBe('2054-02-20T00:00:00.000Z');
  });

  it('lists issued statements past their due date as overdue, until they are paid', async () => {
    const { partner, statement } = await issued(2055, { paymentTermsDays: 15 });
    expect(statement.dueAt).toBe('2055-02-16T00:05:00.000Z');
    const overdue = () =>
      api('GET', `/api/v1/statements?partnerId=${partner.id}&status=overdue`, { expect: 200 }).then((r) => r.body.data);
    vi.setSystemTime(Date.parse('2055-02-16T00:05:00Z'));
    expect(await overdue()).toEqual([]);
    vi.setSystemTime(Date.parse('2055-02-16T00:05:01Z'));
    expect(await overdue()).toEqual([{ ...statement, overdue: true }]);
    expect((await api('GET', `/api/v1/statements/${statement.id}`, { expect: 200 })).body.overdue).toBe(true);
    await api('POST', `/api/v1/statements/${statement.id}/paid`, { body: { paidAt: '2055-02-16' }, expect: 200 });
    expect(await overdue()).toEqual([]);
  });
});

describe('partner keys', () => {
  it('see their own statements only, and change none', async () => {
    const mine = await billedPartner();
    const theirs = await billedPartner();
    await insertConversion(mine.id, '2056-01-10T09:00:00Z');
    await insertConversion(theirs.id, '2056-01-10T09:00:00Z');
    clockAt('2056-02-01T00:05:00Z');
    const own = (await run('2056-01', mine.id)).body.data[0];
    const other = (await run('2056-01', theirs.id)).body.data[0];
    const key = (await createKey('partner', mine.id)).key;

    const list = await api('GET', '/api/v1/statements', { key, expect: 200 });
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([own.id]);
    await api('GET', `/api/v1/statements?partnerId=${theirs.id}`, { key, expect: 404 });
    expect((await api('GET', `/api/v1/statements/${own.id}`, { key, expect: 200 })).body.id).toBe(own.id);
    await api('GET', `/api/v1/statements/${other.id}`, { key, expect: 404 });
    expect((await call('GET', `/api/v1/statements/${own.id}.csv`, { key })).status).toBe(200);
    expect((await call('GET', `/api/v1/statements/${other.id}.csv`, { key })).status).toBe(404);
    const paid = await api('POST', `/api/v1/statements/${own.id}/paid`, { key, body: { paidAt: '2056-02-01' } });
    expect(paid.status).toBe(403);
  });
});

describe('GET /api/v1/statements/:id.csv', () => {
  it('gives the lines with a header, then the totals', async () => {
    const p = await billedPartner();
    const a = await insertConversion(p.id, '2057-01-10T09:00:00Z', { transactionId: 'CMD-1', commissionMinor: 800 });
    const b = await insertConversion(p.id, '2057-01-11T09:00:00Z', { transactionId: 'CMD-2', commissionMinor: 1_234 });
    clockAt('2057-02-01T00:05:00Z');
    const statement = (await run('2057-01', p.id)).body.data[0];
    const res = await call('GET', `/api/v1/statements/${statement.id}.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="REL-2057-0001.csv"');
    expect(await res.text()).toBe(
      [
        'kind,transactionId,conversionId,occurredAt,amount,commission,currency',
        `commission,CMD-1,${a.id},2057-01-10T09:00:00.000Z,100,8,EUR`,
        `commission,CMD-2,${b.id},2057-01-11T09:00:00.000Z,100,12.34,EUR`,
        'commission_total,,,,,20.34,EUR',
        'adjustments_total,,,,,0,EUR',
        'total_excl_vat,,,,,20.34,EUR',
        'vat,,,,20,4.07,EUR',
        'total_incl_vat,,,,,24.41,EUR',
        '',
      ].join('\r\n'),
    );
    expect((await call('GET', '/api/v1/statements/stm_nothing.csv')).status).toBe(404);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('documents every statement route', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body;
    for (const path of [
      '/api/v1/statements/run',
      '/api/v1/statements',
      '/api/v1/statements/{id}',
      '/api/v1/statements/{id}.csv',
      '/api/v1/statements/{id}/paid',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.schemas.Statement.required).toEqual(
      expect.arrayContaining(['number', 'commission', 'adjustments', 'totalExclVat', 'vatRate', 'vat', 'totalInclVat']),
    );
  });
});
