// Exchange rates' use cases: a day's rates posted or fetched, read back, and the conversions waiting for them converted.
import type { Db } from '../db/client';
import { type WaitingPlace, waitingConversions, writeConverted } from '../db/conversion-rates';
import { datesWithRates, insertFetchedRates, quotesOfDays, ratesOfDay, upsertPostedRates } from '../db/exchange-rates';
import type { RateDay } from '../db/intake';
import { dateIn, dayRangeIn, dayStartIn, nextDate, timeZoneOf } from '../domain/calendar';
import { ECB_BASE, type EcbDay, ratesInForce } from '../domain/ecb-rates';
import { crossRate, type ExchangeRateSource, rateText, reportingMoney } from '../domain/exchange';
import { AppError } from '../http/errors';
import type { ExchangeRatesInput, ExchangeRatesView } from '../schemas/exchange-rate';

/** Waiting conversions read at a time: one read of them, one of their days' rates, one write. */
const WAITING_PAGE = 200;
/** Pages a posted day converts at once; the reconciliation converts the rest. */
const POSTED_DAY_PAGES = 2;
/** Days of fetched rates stored by one run, newest first; older ones missing wait for the next run. */
export const MAX_FETCHED_DAYS_PER_RUN = 100;
/** Pages of waiting conversions a fetch converts; the reconciliation converts the rest. */
const FETCHED_PAGES = 5;

/**
 * The day (in the programme's time zone) and currencies whose rates a new conversion needs, or
 * null when it is in its partner's reporting currency (rate 1, nothing to read).
 * @example rateDayOf(env, { currency: 'EUR' }, { currency: 'USD', occurredAt }) // { date: '2026-11-24', codes: ['USD', 'EUR'] }
 */
export function rateDayOf(
  env: Pick<Env, 'REPORT_TIMEZONE'>,
  partner: { currency: string },
  conversion: { currency: string; occurredAt: Date },
): RateDay | null {
  if (conversion.currency === partner.currency) return null;
  const date = dateIn(conversion.occurredAt.getTime(), timeZoneOf(env.REPORT_TIMEZONE));
  return { date, codes: [conversion.currency, partner.currency] };
}

/**
 * Stores an admin's rates of a day against a base (source `api`, replacing the same quotes from
 * any source, keeping the others), converts the conversions of that day that were waiting for
 * them (a bounded number; the reconciliation converts any left), and answers the day as stored.
 */
export async function postExchangeRates(env: Env, db: Db, input: ExchangeRatesInput): Promise<ExchangeRatesView> {
  const rates: Record<string, string> = {};
  for (const [code, value] of Object.entries(input.rates)) {
    const text = rateText(value);
    // The schema admits only values rateText reads; this guards against the two ever disagreeing.
    if (text === null) throw new AppError(400, 'invalid_request', `The rate of ${code} is not a plain decimal.`);
    rates[code] = text;
  }
  await upsertPostedRates(env.DB, { date: input.date, base: input.base, rates });
  const { startMs, endMs } = dayRangeIn(input.date, timeZoneOf(env.REPORT_TIMEZONE));
  await convertWaiting(env, { startMs, endMs, after: null, pages: POSTED_DAY_PAGES, nowMs: Date.now() });
  return exchangeRatesOf(db, input.date, input.base);
}

/** The rates of `date` against `base` as stored, or 404 `not_found` when that day has none. */
export async function exchangeRatesOf(db: Db, date: string, base: string): Promise<ExchangeRatesView> {
  const stored = (await ratesOfDay(db, date)).filter((r) => r.base === base);
  if (stored.length === 0) {
    throw new AppError(404, 'not_found', `No exchange rates against ${base} are stored for ${date}.`, { date, base });
  }
  const rates: Record<string, number> = {};
  const sources: Record<string, ExchangeRateSource> = {};
  for (const r of stored) {
    rates[r.quote] = Number(r.rate);
    sources[r.quote] = r.source;
  }
  return { date, base, rates, sources };
}

/** How far a walk over waiting conversions went: how many it converted, and where to go on (null: to the end). */
export type ConversionWalk = { converted: number; next: WaitingPlace | null };

/**
 * Converts the conversions that occurred in `[startMs, endMs)` and are still waiting for an
 * exchange rate, walking them in the order they occurred from `after`, `pages` pages at most.
 * Each is converted at the rate of its day (in `REPORT_TIMEZONE`) from its own currency to the
 * reporting currency it was recorded with, when that day's rates allow; the others keep waiting.
 */
export async function convertWaiting(
  env: Env,
  q: { startMs: number; endMs: number; after: WaitingPlace | null; pages: number; nowMs: number },
): Promise<ConversionWalk> {
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  let after = q.after;
  let converted = 0;
  for (let p = 0; p < q.pages; p++) {
    const page = await waitingConversions(env.DB, { startMs: q.startMs, endMs: q.endMs, after, limit: WAITING_PAGE });
    if (page.length === 0) return { converted, next: null };
    const dateOf = new Map(page.map((c) => [c.id, dateIn(c.occurredAt, timeZone)]));
    const codes = new Set(page.flatMap((c) => [c.currency, c.reportingCurrency]));
    const quotes = await quotesOfDays(env.DB, [...new Set(dateOf.values())], [...codes]);
    const ready = page.flatMap((conversion) => {
      const rate = crossRate(
        quotes.get(dateOf.get(conversion.id) as string) ?? [],
        conversion.currency,
        conversion.reportingCurrency,
      );
      return rate === null
        ? []
        : [{ conversion, reporting: reportingMoney(conversion, conversion.reportingCurrency, rate) }];
    });
    converted += (await writeConverted(env.DB, ready, q.nowMs)).length;
    const last = page[page.length - 1] as (typeof page)[number];
    after = { occurredAt: last.occurredAt, id: last.id };
    if (page.length < WAITING_PAGE) return { converted, next: null };
  }
  return { converted, next: after };
}

/** What storing fetched reference rates did. */
export type FetchedRatesReport = { storedDays: string[]; converted: number };

/**
 * Stores the ECB's days (base EUR, source `ecb`), with the rates in force filled in on the days
 * between two published ones, skipping days already fetched and never overwriting a rate an
 * admin posted; at most `MAX_FETCHED_DAYS_PER_RUN` days, newest first. Then converts the
 * conversions of those days that were waiting (a bounded number; the reconciliation does the rest).
 */
export async function storeReferenceRates(
  env: Env,
  days: readonly EcbDay[],
  nowMs: number,
): Promise<FetchedRatesReport> {
  const inForce = ratesInForce(days);
  const first = inForce[0];
  const last = inForce[inForce.length - 1];
  if (!first || !last) return { storedDays: [], converted: 0 };
  const fetched = await datesWithRates(env.DB, { base: ECB_BASE, source: 'ecb', from: first.date, to: last.date });
  const missing = inForce
    .filter((d) => !fetched.has(d.date))
    .reverse()
    .slice(0, MAX_FETCHED_DAYS_PER_RUN);
  if (missing.length === 0) return { storedDays: [], converted: 0 };
  const quotes = missing.flatMap((d) =>
    Object.entries(d.rates).map(([code, rate]) => [d.date, code, rate] as [string, string, string]),
  );
  await insertFetchedRates(env.DB, ECB_BASE, 'ecb', quotes);
  const storedDays = missing.map((d) => d.date).sort();
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const { converted } = await convertWaiting(env, {
    startMs: dayStartIn(storedDays[0] as string, timeZone),
    endMs: dayStartIn(nextDate(storedDays[storedDays.length - 1] as string, 1), timeZone),
    after: null,
    pages: FETCHED_PAGES,
    nowMs,
  });
  return { storedDays, converted };
}
