import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { dbOf } from '../../src/db/client';
import { waitingConversions, writeConverted } from '../../src/db/conversion-rates';
import { getConversion } from '../../src/db/conversions';
import { insertFetchedRates } from '../../src/db/exchange-rates';
import { dailyRows } from '../../src/db/reports';
import { dateIn, nextDate } from '../../src/domain/calendar';
import { reportingMoney } from '../../src/domain/exchange';
import worker from '../../src/index';
import { fetchReferenceRates } from '../../src/jobs/exchange-rates';
import { convertWaitingConversions } from '../../src/jobs/reconcile';
import { json, newTxn, postSigned } from '../postback/client';
import { createPartner } from '../support/builders';
import { freshStorage } from '../support/fresh-worker';
import { api } from '../support/http';
import { insertConversion } from '../support/rows';

const db = dbOf(env);
const RATES = inject('ratesOrigin');

beforeEach(freshStorage);
afterEach(() => vi.restoreAllMocks());

/** The 15-minute cron at `nowMs`. */
const reconcile = (nowMs: number) =>
  worker.scheduled(createScheduledController({ cron: '*/15 * * * *', scheduledTime: nowMs }), env);

/** The rates cron with `FX_RATES_URL` set to `url`. */
const ratesCron = (url: string) =>
  worker.scheduled(createScheduledController({ cron: '30 16 * * *', scheduledTime: Date.now() }), {
    ...env,
    FX_RATES_URL: url,
  });

/** A USD sale of 100.00 (8.00 commission) for an EUR partner at `at`, waiting for its rate. */
const waitingSale = (partnerId: string, at: string, overrides: Parameters<typeof insertConversion>[2] = {}) =>
  insertConversion(partnerId, at, { currency: 'USD', reportingCurrency: 'EUR', ...overrides });

const rateOf = async (id: string) => (await getConversion(db, id))?.exchangeRate;

async function storedRates(date: string) {
  const { results } = await env.DB.prepare(
    'SELECT base, quote, rate, source FROM exchange_rates WHERE date = ? ORDER BY base, quote',
  )
    .bind(date)
    .all();
  return results;
}

describe('reconciliation of conversions waiting for a rate', () => {
  it('converts them once their day has rates, resolves their flags, and the next run rebuilds their day', async () => {
    const p = await createPartner();
    const date = nextDate(dateIn(Date.now(), 'UTC'), -3);
    const res = await postSigned(p.slug, p.signingSecret, {
      transactionId: newTxn(),
      amount: '100.00',
      currency: 'USD',
      occurredAt: `${date}T10:00:00Z`,
    });
    const { conversionId } = await json(res);
    await api('POST', '/api/v1/reports/daily/rebuild', { body: { date, partnerId: p.id }, expect: 200 });
    // Stored as a fetch stores them: nothing converted the conversion yet.
    await insertFetchedRates(env.DB, 'EUR', 'ecb', [[date, 'USD', '1.08']]);

    const now = Date.now() + 120_000;
    await reconcile(now);
    expect(await getConversion(db, conversionId)).toMatchObject({
      exchangeRate: '0.925925925926',
      reportingAmountMinor: 9259,
      reportingCommissionMinor: 741,
      updatedAt: new Date(now),
    });
    const flags = (await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=missing_rate`)).body.data;
    expect(flags).toMatchObject([{ subjectId: conversionId, resolved: true }]);

    const [before] = await dailyRows(env.DB, { from: date, to: date, partnerId: p.id });
    expect(before).toMatchObject({ revenue_minor: 0, unconverted_conversions: 1 });
    await reconcile(now + 15 * 60_000);
    const [after] = await dailyRows(env.DB, { from: date, to: date, partnerId: p.id });
    expect(after).toMatchObject({ revenue_minor: 9259, commission_minor: 741, unconverted_conversions: 0 });
  });

  it('leaves waiting those no rate is known for, and converts those after them', async () => {
    const p = await createPartner();
    const stuck = await waitingSale(p.id, '2029-06-12T08:00:00Z', { currency: 'XOF', amountMinor: 65_000 });
    const later = await waitingSale(p.id, '2029-06-13T08:00:00Z');
    await insertFetchedRates(env.DB, 'EUR', 'ecb', [
      ['2029-06-12', 'USD', '1.08'],
      ['2029-06-13', 'USD', '1.07'],
    ]);
    expect(await convertWaitingConversions(env, Date.now())).toBe(1);
    expect(await rateOf(stuck.id)).toBeNull();
    expect(await rateOf(later.id)).toBe('0.934579439252');
    expect(await convertWaitingConversions(env, Date.now())).toBe(0);
  });

  it('takes the day of a conversion in REPORT_TIMEZONE', async () => {
    const p = await createPartner();
    // 23:30 UTC on the 11th is already the 12th in Paris.
    const sale = await waitingSale(p.id, '2029-06-11T23:30:00Z');
    await insertFetchedRates(env.DB, 'EUR', 'ecb', [
      ['2029-06-11', 'USD', '1.25'],
      ['2029-06-12', 'USD', '1.08'],
    ]);
    await convertWaitingConversions({ ...env, REPORT_TIMEZONE: 'Europe/Paris' }, Date.now());
    expect(await rateOf(sale.id)).toBe('0.925925925926');
  });

  it('converts no conversion whose money changed after it was read', async () => {
    const p = await createPartner();
    const sale = await waitingSale(p.id, '2029-06-12T08:00:00Z');
    const [read] = await waitingConversions(env.DB, {
      startMs: 0,
      endMs: Date.parse('2030-01-01'),
      after: null,
      limit: 10,
    });
    if (!read) throw new Error('the sale is not waiting');
    // A partial refund lands between the read and the write.
    await env.DB.prepare('UPDATE conversions SET refunded_amount_minor = 3000, commission_minor = 560 WHERE id = ?')
      .bind(sale.id)
      .run();
    const stale = { conversion: read, reporting: reportingMoney(read, 'EUR', '0.925925925926') };
    expect(await writeConverted(env.DB, [stale], Date.now())).toEqual([]);
    expect(await rateOf(sale.id)).toBeNull();

    await insertFetchedRates(env.DB, 'EUR', 'ecb', [['2029-06-12', 'USD', '1.08']]);
    await convertWaitingConversions(env, Date.now());
    expect(await getConversion(db, sale.id)).toMatchObject({
      exchangeRate: '0.925925925926',
      reportingRefundedMinor: 2778,
      reportingCommissionMinor: 519,
      reportingEarnedMinor: 741,
    });
  });

  it('finds them through the partial index of waiting conversions', async () => {
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM conversions
       WHERE exchange_rate IS NULL AND occurred_at >= ?1 AND occurred_at < ?2 AND (occurred_at, id) > (?3, ?4)
       ORDER BY occurred_at, id LIMIT ?5`,
    )
      .bind(0, 1, 0, '', 10)
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join('\n')).toContain('conversions_unconverted_idx');
  });
});

describe('the ECB rates job (30 16 * * *)', () => {
  it('does nothing while FX_RATES_URL is empty', async () => {
    const fetched = vi.spyOn(globalThis, 'fetch');
    expect(await fetchReferenceRates({ ...env, FX_RATES_URL: ' ' }, Date.now())).toEqual({ status: 'off' });
    expect(fetched).not.toHaveBeenCalled();
  });

  it("stores the daily file's rates against EUR and converts the day's waiting conversions", async () => {
    const p = await createPartner();
    const sale = await waitingSale(p.id, '2030-03-12T09:00:00Z');
    await ratesCron(`${RATES}/ecb/eurofxref-daily.xml`);
    const stored = await storedRates('2030-03-12');
    expect(stored).toHaveLength(29);
    expect(stored).toContainEqual({ base: 'EUR', quote: 'USD', rate: '1.0812', source: 'ecb' });
    expect(await rateOf(sale.id)).toBe('0.924898261191');
    const answer = await api('GET', '/api/v1/exchange-rates?date=2030-03-12', { expect: 200 });
    expect(answer.body.rates).toMatchObject({ USD: 1.0812, GBP: 0.85215, ISK: 149.3 });
  });

  it('gives a weekend the rates in force, from the 90-day file', async () => {
    const p = await createPartner();
    const saturday = await waitingSale(p.id, '2030-03-09T15:00:00Z');
    const report = await fetchReferenceRates(
      { ...env, FX_RATES_URL: `${RATES}/ecb/eurofxref-hist-90d.xml` },
      Date.now(),
    );
    expect(report).toEqual({
      status: 'stored',
      storedDays: ['2030-03-07', '2030-03-08', '2030-03-09', '2030-03-10', '2030-03-11', '2030-03-12'],
      converted: 1,
    });
    expect((await storedRates('2030-03-09')).map((r) => [r.quote, r.rate])).toEqual([
      ['CHF', '0.9398'],
      ['GBP', '0.8498'],
      ['JPY', '160.87'],
      ['USD', '1.0775'],
    ]);
    // Friday's 1.0775.
    expect(await rateOf(saturday.id)).toBe('0.92807424594');
  });

  it('never overwrites a rate an admin posted, and stores the other codes of that day', async () => {
    await api('POST', '/api/v1/exchange-rates', {
      body: { date: '2030-03-12', base: 'EUR', rates: { USD: 1.1 } },
      expect: 200,
    });
    await ratesCron(`${RATES}/ecb/eurofxref-daily.xml`);
    const stored = await storedRates('2030-03-12');
    expect(stored).toContainEqual({ base: 'EUR', quote: 'USD', rate: '1.1', source: 'api' });
    expect(stored).toContainEqual({ base: 'EUR', quote: 'GBP', rate: '0.85215', source: 'ecb' });
  });

  it('stores only the days it has not fetched before', async () => {
    const url = `${RATES}/ecb/eurofxref-hist-90d.xml`;
    await fetchReferenceRates({ ...env, FX_RATES_URL: `${RATES}/ecb/eurofxref-daily.xml` }, Date.now());
    const report = await fetchReferenceRates({ ...env, FX_RATES_URL: url }, Date.now());
    expect(report).toMatchObject({
      storedDays: ['2030-03-07', '2030-03-08', '2030-03-09', '2030-03-10', '2030-03-11'],
    });
    expect(await fetchReferenceRates({ ...env, FX_RATES_URL: url }, Date.now())).toEqual({
      status: 'stored',
      storedDays: [],
      converted: 0,
    });
  });

  it.each([
    ['an HTTP error', '/status/503', 'HTTP 503'],
    ['a missing file', '/ecb/eurofxref-nothing.xml', 'HTTP 404'],
    ['a page that is not the ECB’s format', '/ecb/maintenance.html', 'Not an ECB reference-rate file'],
  ])('logs %s, stores nothing and lets the next run try again', async (_, path, reason) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(ratesCron(`${RATES}${path}`)).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(reason));
    expect((await env.DB.prepare('SELECT count(*) AS n FROM exchange_rates').first())?.n).toBe(0);

    await ratesCron(`${RATES}/ecb/eurofxref-daily.xml`);
    expect(await storedRates('2030-03-12')).toHaveLength(29);
  });

  it('logs a server that cannot be reached', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    // Port 9 (discard) has no listener on the loopback address. workerd prints the refused
    // connection itself ("Network connection lost"), whoever catches the error.
    const report = await fetchReferenceRates({ ...env, FX_RATES_URL: 'http://127.0.0.1:9/eurofxref-daily.xml' }, 0);
    expect(report.status).toBe('failed');
    expect(logged).toHaveBeenCalledOnce();
  });
});
