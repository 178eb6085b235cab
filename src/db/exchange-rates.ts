// Exchange rates by day and base, and the conversions waiting for theirs: bulk writes through json_each, one statement each.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ExchangeRateSource, QuotedRate } from '../domain/exchange';
import type { Db } from './client';
import { exchangeRates } from './schema';

/** A stored quote with where it came from. */
export type StoredRate = QuotedRate & { source: ExchangeRateSource };

/**
 * Stores an admin's quotes of `date` against `base` (`rates`: code -> decimal text), replacing
 * the same quotes from any source; quotes of other codes stay.
 */
export async function upsertPostedRates(
  d1: D1Database,
  day: { date: string; base: string; rates: Record<string, string> },
): Promise<void> {
  // ON CONFLICT after INSERT ... SELECT needs a WHERE, or SQLite reads it as a join constraint.
  await d1
    .prepare(
      `INSERT INTO exchange_rates (date, base, quote, rate, source)
       SELECT ?1, ?2, j.key, j.value, 'api' FROM json_each(?3) j WHERE true
       ON CONFLICT (date, base, quote) DO UPDATE SET rate = excluded.rate, source = excluded.source`,
    )
    .bind(day.date, day.base, JSON.stringify(day.rates))
    .run();
}

/**
 * Stores fetched quotes (`[date, quote, rate]` against `base`) with `source`, leaving any quote
 * already stored for its day as it is: an admin's rate is never overwritten by a fetch.
 */
export async function insertFetchedRates(
  d1: D1Database,
  base: string,
  source: ExchangeRateSource,
  quotes: readonly [date: string, quote: string, rate: string][],
): Promise<void> {
  // Bound as one JSON text per statement: the rows never count against D1's 100 bound values.
  const CHUNK = 1000;
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < quotes.length; i += CHUNK) {
    statements.push(
      d1
        .prepare(
          `INSERT INTO exchange_rates (date, base, quote, rate, source)
           SELECT json_extract(j.value, '$[0]'), ?1, json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), ?2
           FROM json_each(?3) j WHERE true
           ON CONFLICT (date, base, quote) DO NOTHING`,
        )
        .bind(base, source, JSON.stringify(quotes.slice(i, i + CHUNK))),
    );
  }
  if (statements.length > 0) await d1.batch(statements);
}

/** The days between `from` and `to` (included) that hold quotes against `base` from `source`. */
export async function datesWithRates(
  d1: D1Database,
  q: { base: string; source: ExchangeRateSource; from: string; to: string },
): Promise<Set<string>> {
  const { results } = await d1
    .prepare('SELECT DISTINCT date FROM exchange_rates WHERE date >= ?1 AND date <= ?2 AND base = ?3 AND source = ?4')
    .bind(q.from, q.to, q.base, q.source)
    .all<{ date: string }>();
  return new Set(results.map((r) => r.date));
}

/** Every quote of `date`, by base then code, with its source. */
export function ratesOfDay(db: Db, date: string): Promise<StoredRate[]> {
  return db
    .select({
      base: exchangeRates.base,
      quote: exchangeRates.quote,
      rate: exchangeRates.rate,
      source: exchangeRates.source,
    })
    .from(exchangeRates)
    .where(eq(exchangeRates.date, date))
    .orderBy(asc(exchangeRates.base), asc(exchangeRates.quote))
    .all();
}

/**
 * The query of what a conversion from one of `codes` to another needs of `date`: the quotes of
 * those codes, against any base (a base quotes itself at 1). For a batch, or awaited alone.
 */
export function quotesOfDayQuery(db: Db, date: string, codes: readonly string[]) {
  return db
    .select({ base: exchangeRates.base, quote: exchangeRates.quote, rate: exchangeRates.rate })
    .from(exchangeRates)
    .where(and(eq(exchangeRates.date, date), inArray(exchangeRates.quote, [...codes])));
}

/** The quotes of several days in the given codes, by date. */
export async function quotesOfDays(
  d1: D1Database,
  dates: readonly string[],
  codes: readonly string[],
): Promise<Map<string, QuotedRate[]>> {
  const byDate = new Map<string, QuotedRate[]>();
  if (dates.length === 0 || codes.length === 0) return byDate;
  const { results } = await d1
    .prepare(
      `SELECT date, base, quote, rate FROM exchange_rates
       WHERE date IN (SELECT value FROM json_each(?1)) AND quote IN (SELECT value FROM json_each(?2))`,
    )
    .bind(JSON.stringify(dates), JSON.stringify(codes))
    .all<QuotedRate & { date: string }>();
  for (const { date, ...quote } of results) {
    const list = byDate.get(date) ?? [];
    list.push(quote);
    byDate.set(date, list);
  }
  return byDate;
}
