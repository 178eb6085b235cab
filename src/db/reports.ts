// Daily aggregates and breakdowns: built by GROUP BY inside D1 (rows never travel to the Worker) and read back for reports.
import {
  BREAKDOWN_DIMENSIONS,
  type BreakdownDimension,
  COUNTED_STATUSES,
  NO_VALUE,
  TIME_TO_CONVERSION_BUCKETS,
  TOTAL_LINK_ID,
  UNATTRIBUTED,
} from '../domain/aggregation';
import { dayRangeIn } from '../domain/calendar';
import { clicksGoneBeforeMs } from './retention';
import { NOW_MS_SQL } from './schema';

/** The counted statuses as an SQL list. */
export const COUNTED = COUNTED_STATUSES.map((s) => `'${s}'`).join(', ');

/** SQL giving a click's value of each dimension (on the clicks alias `k`). */
export const DIMENSION_SQL: Record<BreakdownDimension, string> = {
  source: `COALESCE(NULLIF(k.utm_source, ''), NULLIF(k.referrer_host, ''), '${NO_VALUE}')`,
  device: `COALESCE(NULLIF(k.device, ''), '${NO_VALUE}')`,
  country: `COALESCE(NULLIF(k.country, ''), '${NO_VALUE}')`,
  placement: `COALESCE(NULLIF(k.placement, ''), '${NO_VALUE}')`,
  sub1: `COALESCE(NULLIF(k.sub1, ''), '${NO_VALUE}')`,
  sub2: `COALESCE(NULLIF(k.sub2, ''), '${NO_VALUE}')`,
  sub3: `COALESCE(NULLIF(k.sub3, ''), '${NO_VALUE}')`,
  sub4: `COALESCE(NULLIF(k.sub4, ''), '${NO_VALUE}')`,
  sub5: `COALESCE(NULLIF(k.sub5, ''), '${NO_VALUE}')`,
};

/** What one partner-day rebuild works on: `date` is a day of `timeZone`, the programme's. */
export type DayScope = { date: string; partnerId: string; currency: string; computedAtMs: number; timeZone: string };

// Parameters shared by the statements below: ?1 partner, ?2 day start, ?3 day end (the instants
// the day spans in the programme's zone: 23 or 25 hours when the clocks change), ?4 date,
// ?5 currency, ?6 computed at. Money is added up in the partner's reporting currency, from the
// figures each conversion keeps in it; a conversion still waiting for its exchange rate is
// counted, left out of the money, and counted among the unconverted.
function bindScope(stmt: D1PreparedStatement, s: DayScope): D1PreparedStatement {
  const { startMs, endMs } = dayRangeIn(s.date, s.timeZone);
  return stmt.bind(s.partnerId, startMs, endMs, s.date, s.currency, s.computedAtMs);
}

const IS_COUNTED = `c.status IN (${COUNTED})`;

// The definitions below are shared with the live figures of today (src/db/live-reports.ts), which
// must count exactly as the aggregates do.

/** Click counts on the clicks alias `k`: bots are never clicks, only bot clicks. */
export const CLICK_FIGURES = `SUM(k.is_bot = 0) AS clicks, SUM(k.is_bot = 0 AND k.is_unique = 1) AS unique_clicks,
  SUM(k.is_bot) AS bot_clicks`;

// Over counted and reversed conversions: a reversed one counts for nothing but its refund and the
// commission it gave back. Revenue and commission are what remains after refunds.
export const CONVERSION_FIGURES = `
  SUM(${IS_COUNTED}) AS conversions,
  SUM(${IS_COUNTED} AND c.event = 'lead') AS leads,
  SUM(${IS_COUNTED} AND c.event = 'add_to_cart') AS add_to_carts,
  SUM(${IS_COUNTED} AND c.event = 'sale') AS sales,
  SUM(CASE WHEN ${IS_COUNTED} THEN COALESCE(c.reporting_amount_minor - c.reporting_refunded_minor, 0) ELSE 0 END)
    AS revenue_minor,
  SUM(CASE WHEN ${IS_COUNTED} THEN COALESCE(c.reporting_commission_minor, 0) ELSE 0 END) AS commission_minor,
  SUM(COALESCE(c.reporting_refunded_minor, 0)) AS refunded_minor,
  SUM(COALESCE(c.reporting_earned_minor - c.reporting_commission_minor, 0)) AS commission_reversed_minor,
  SUM(c.exchange_rate IS NULL) AS unconverted_conversions`;

const DAY_CONVERSIONS = `c.partner_id = ?1 AND c.occurred_at >= ?2 AND c.occurred_at < ?3 AND ${IS_COUNTED}`;
const DAY_MONEY = `c.partner_id = ?1 AND c.occurred_at >= ?2 AND c.occurred_at < ?3
  AND c.status IN (${COUNTED}, 'reversed')`;

// Median as the mean of the middle one or two values: SQLite has no median function.
const MEDIANS = `
  ranked AS (
    SELECT c.link_id, c.click_to_conversion_ms AS ms,
      ROW_NUMBER() OVER (PARTITION BY c.link_id ORDER BY c.click_to_conversion_ms) AS rn,
      COUNT(*) OVER (PARTITION BY c.link_id) AS n
    FROM conversions c
    WHERE ${DAY_CONVERSIONS} AND c.link_id IS NOT NULL AND c.click_to_conversion_ms IS NOT NULL
  ),
  medians AS (
    SELECT link_id, CAST(ROUND(AVG(ms)) AS INTEGER) AS ms FROM ranked
    WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY link_id
  )`;

/**
 * The statements that rebuild one partner's day in `daily_aggregates`: its rows are deleted,
 * one row per link with clicks or conversions is computed from `clicks` and `conversions`, then
 * the partner total (link `*`) from those rows plus the conversions attributed to no link. Run
 * them in one batch (one transaction): readers see the old day or the new one, never half.
 */
export function aggregateStatements(d1: D1Database, s: DayScope): D1PreparedStatement[] {
  const del = d1.prepare('DELETE FROM daily_aggregates WHERE date = ?2 AND partner_id = ?1').bind(s.partnerId, s.date);
  const links = d1.prepare(`
    INSERT INTO daily_aggregates (date, partner_id, link_id, clicks, unique_clicks, bot_clicks, conversions, leads,
      add_to_carts, sales, revenue_minor, commission_minor, refunded_minor, commission_reversed_minor,
      unconverted_conversions, currency, median_time_to_conversion_ms, computed_at)
    WITH
      kc AS (
        SELECT k.link_id, ${CLICK_FIGURES}
        FROM clicks k WHERE k.partner_id = ?1 AND k.created_at >= ?2 AND k.created_at < ?3
        GROUP BY k.link_id
      ),
      cc AS (
        SELECT c.link_id, ${CONVERSION_FIGURES}
        FROM conversions c WHERE ${DAY_MONEY} AND c.link_id IS NOT NULL
        GROUP BY c.link_id
      ),
      ${MEDIANS},
      ids AS (SELECT link_id FROM kc UNION SELECT link_id FROM cc)
    SELECT ?4, ?1, ids.link_id, COALESCE(kc.clicks, 0), COALESCE(kc.unique_clicks, 0), COALESCE(kc.bot_clicks, 0),
      COALESCE(cc.conversions, 0), COALESCE(cc.leads, 0), COALESCE(cc.add_to_carts, 0), COALESCE(cc.sales, 0),
      COALESCE(cc.revenue_minor, 0), COALESCE(cc.commission_minor, 0), COALESCE(cc.refunded_minor, 0),
      COALESCE(cc.commission_reversed_minor, 0), COALESCE(cc.unconverted_conversions, 0), ?5, medians.ms, ?6
    FROM ids LEFT JOIN kc ON kc.link_id = ids.link_id LEFT JOIN cc ON cc.link_id = ids.link_id
      LEFT JOIN medians ON medians.link_id = ids.link_id
    WHERE ids.link_id <> '${TOTAL_LINK_ID}'`);
  const total = d1.prepare(`
    INSERT INTO daily_aggregates (date, partner_id, link_id, clicks, unique_clicks, bot_clicks, conversions, leads,
      add_to_carts, sales, revenue_minor, commission_minor, refunded_minor, commission_reversed_minor,
      unconverted_conversions, currency, median_time_to_conversion_ms, computed_at)
    WITH
      ranked AS (
        SELECT c.click_to_conversion_ms AS ms, ROW_NUMBER() OVER (ORDER BY c.click_to_conversion_ms) AS rn,
          COUNT(*) OVER () AS n
        FROM conversions c WHERE ${DAY_CONVERSIONS} AND c.click_to_conversion_ms IS NOT NULL
      ),
      cc AS (SELECT ${CONVERSION_FIGURES} FROM conversions c WHERE ${DAY_MONEY}),
      kc AS (
        SELECT SUM(clicks) AS clicks, SUM(unique_clicks) AS unique_clicks, SUM(bot_clicks) AS bot_clicks
        FROM daily_aggregates WHERE date = ?4 AND partner_id = ?1 AND link_id <> '${TOTAL_LINK_ID}'
      )
    SELECT ?4, ?1, '${TOTAL_LINK_ID}', COALESCE(kc.clicks, 0), COALESCE(kc.unique_clicks, 0), COALESCE(kc.bot_clicks, 0),
      COALESCE(cc.conversions, 0), COALESCE(cc.leads, 0), COALESCE(cc.add_to_carts, 0), COALESCE(cc.sales, 0),
      COALESCE(cc.revenue_minor, 0), COALESCE(cc.commission_minor, 0), COALESCE(cc.refunded_minor, 0),
      COALESCE(cc.commission_reversed_minor, 0), COALESCE(cc.unconverted_conversions, 0), ?5,
      (SELECT CAST(ROUND(AVG(ms)) AS INTEGER) FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)), ?6
    FROM kc, cc`);
  return [del, bindScope(links, s), bindScope(total, s)];
}

/**
 * The statements that rebuild one dimension of a partner's day in `daily_breakdowns`: clicks
 * grouped by the click's value, conversions by the value of the click they are attributed to
 * (`(unattributed)` without one).
 */
export function breakdownStatements(d1: D1Database, s: DayScope, dimension: BreakdownDimension): D1PreparedStatement[] {
  const value = DIMENSION_SQL[dimension];
  const del = d1
    .prepare('DELETE FROM daily_breakdowns WHERE date = ?2 AND partner_id = ?1 AND dimension = ?3')
    .bind(s.partnerId, s.date, dimension);
  const insert = d1.prepare(`
    INSERT INTO daily_breakdowns (date, partner_id, dimension, value, clicks, unique_clicks, bot_clicks, conversions,
      revenue_minor, commission_minor, computed_at)
    WITH
      kc AS (
        SELECT ${value} AS value, ${CLICK_FIGURES}
        FROM clicks k WHERE k.partner_id = ?1 AND k.created_at >= ?2 AND k.created_at < ?3
        GROUP BY 1
      ),
      cc AS (
        SELECT CASE WHEN k.id IS NULL THEN '${UNATTRIBUTED}' ELSE ${value} END AS value, ${CONVERSION_FIGURES}
        FROM conversions c LEFT JOIN clicks k ON k.id = c.click_id
        WHERE ${DAY_CONVERSIONS}
        GROUP BY 1
      ),
      ids AS (SELECT value FROM kc UNION SELECT value FROM cc)
    SELECT ?4, ?1, '${dimension}', ids.value, COALESCE(kc.clicks, 0), COALESCE(kc.unique_clicks, 0),
      COALESCE(kc.bot_clicks, 0), COALESCE(cc.conversions, 0), COALESCE(cc.revenue_minor, 0),
      COALESCE(cc.commission_minor, 0), ?6
    FROM ids LEFT JOIN kc ON kc.value = ids.value LEFT JOIN cc ON cc.value = ids.value`);
  return [del, bindScope(insert, s)];
}

/**
 * The statements that rebuild the conversion figures of a partner's day whose clicks have left D1
 * (retention, src/jobs/retention.ts): the click figures the day was aggregated with are kept as
 * they are, since recounting them would count only the clicks still there. Link rows left with
 * neither clicks nor conversions go, as a full rebuild would not make them; the total is made anew.
 */
export function retiredAggregateStatements(d1: D1Database, s: DayScope): D1PreparedStatement[] {
  const clear = d1.prepare(`
    UPDATE daily_aggregates SET conversions = 0, leads = 0, add_to_carts = 0, sales = 0, revenue_minor = 0,
      commission_minor = 0, refunded_minor = 0, commission_reversed_minor = 0, unconverted_conversions = 0,
      median_time_to_conversion_ms = NULL, currency = ?5, computed_at = ?6
    WHERE date = ?4 AND partner_id = ?1 AND link_id <> '${TOTAL_LINK_ID}'`);
  const links = d1.prepare(`
    INSERT INTO daily_aggregates (date, partner_id, link_id, conversions, leads, add_to_carts, sales, revenue_minor,
      commission_minor, refunded_minor, commission_reversed_minor, unconverted_conversions, currency,
      median_time_to_conversion_ms, computed_at)
    WITH
      cc AS (
        SELECT c.link_id, ${CONVERSION_FIGURES}
        FROM conversions c WHERE ${DAY_MONEY} AND c.link_id IS NOT NULL
        GROUP BY c.link_id
      ),
      ${MEDIANS}
    SELECT ?4, ?1, cc.link_id, cc.conversions, cc.leads, cc.add_to_carts, cc.sales, cc.revenue_minor,
      cc.commission_minor, cc.refunded_minor, cc.commission_reversed_minor, cc.unconverted_conversions, ?5,
      medians.ms, ?6
    FROM cc LEFT JOIN medians ON medians.link_id = cc.link_id
    WHERE cc.link_id <> '${TOTAL_LINK_ID}'
    ON CONFLICT (date, partner_id, link_id) DO UPDATE SET conversions = excluded.conversions,
      leads = excluded.leads, add_to_carts = excluded.add_to_carts, sales = excluded.sales,
      revenue_minor = excluded.revenue_minor, commission_minor = excluded.commission_minor,
      refunded_minor = excluded.refunded_minor, commission_reversed_minor = excluded.commission_reversed_minor,
      unconverted_conversions = excluded.unconverted_conversions,
      median_time_to_conversion_ms = excluded.median_time_to_conversion_ms`);
  const empty = d1.prepare(`
    DELETE FROM daily_aggregates WHERE date = ?4 AND partner_id = ?1 AND link_id <> '${TOTAL_LINK_ID}'
      AND clicks = 0 AND bot_clicks = 0
      AND link_id NOT IN (SELECT c.link_id FROM conversions c WHERE ${DAY_MONEY} AND c.link_id IS NOT NULL)`);
  const [, , total] = aggregateStatements(d1, s);
  const delTotal = d1
    .prepare(`DELETE FROM daily_aggregates WHERE date = ?2 AND partner_id = ?1 AND link_id = '${TOTAL_LINK_ID}'`)
    .bind(s.partnerId, s.date);
  const { startMs, endMs } = dayRangeIn(s.date, s.timeZone);
  return [
    bindScope(clear, s),
    bindScope(links, s),
    empty.bind(s.partnerId, startMs, endMs, s.date),
    delTotal,
    total as D1PreparedStatement,
  ];
}

/**
 * `breakdownStatements` for a day whose clicks have left D1: click figures kept, conversions
 * counted again under the value of their click (clicks conversions point to stay in D1).
 */
export function retiredBreakdownStatements(
  d1: D1Database,
  s: DayScope,
  dimension: BreakdownDimension,
): D1PreparedStatement[] {
  const value = DIMENSION_SQL[dimension];
  const clear = d1
    .prepare(`UPDATE daily_breakdowns SET conversions = 0, revenue_minor = 0, commission_minor = 0, computed_at = ?4
      WHERE date = ?2 AND partner_id = ?1 AND dimension = ?3`)
    .bind(s.partnerId, s.date, dimension, s.computedAtMs);
  const upsert = d1.prepare(`
    INSERT INTO daily_breakdowns (date, partner_id, dimension, value, conversions, revenue_minor, commission_minor,
      computed_at)
    SELECT ?4, ?1, '${dimension}', cc.value, cc.conversions, cc.revenue_minor, cc.commission_minor, ?6 FROM (
      SELECT CASE WHEN k.id IS NULL THEN '${UNATTRIBUTED}' ELSE ${value} END AS value, ${CONVERSION_FIGURES}
      FROM conversions c LEFT JOIN clicks k ON k.id = c.click_id
      WHERE ${DAY_CONVERSIONS}
      GROUP BY 1) cc
    WHERE true -- without it SQLite would read ON CONFLICT as part of the join
    ON CONFLICT (date, partner_id, dimension, value) DO UPDATE SET conversions = excluded.conversions,
      revenue_minor = excluded.revenue_minor, commission_minor = excluded.commission_minor`);
  const empty = d1
    .prepare(`DELETE FROM daily_breakdowns WHERE date = ?2 AND partner_id = ?1 AND dimension = ?3
      AND clicks = 0 AND bot_clicks = 0 AND conversions = 0`)
    .bind(s.partnerId, s.date, dimension);
  return [clear, bindScope(upsert, s), empty];
}

/** Whether some clicks of the day may have left D1 already: its click figures are then kept. */
async function isRetiredDay(d1: D1Database, s: DayScope): Promise<boolean> {
  const goneBeforeMs = await clicksGoneBeforeMs(d1);
  return goneBeforeMs !== null && dayRangeIn(s.date, s.timeZone).startMs < goneBeforeMs;
}

/**
 * Rebuilds a partner's day: aggregates in one transaction, then each breakdown dimension in
 * its own, so that no single statement batch has to scan the day's clicks more than once.
 * Rebuilding twice gives the same rows (only `computed_at` moves). A day whose clicks have left
 * D1 keeps its click figures and has its conversion figures rebuilt.
 */
export async function rebuildPartnerDay(d1: D1Database, s: DayScope): Promise<void> {
  const isRetired = await isRetiredDay(d1, s);
  const aggregates = isRetired ? retiredAggregateStatements(d1, s) : aggregateStatements(d1, s);
  await d1.batch([...aggregates, newAggregatesVersion(d1)]);
  for (const dimension of BREAKDOWN_DIMENSIONS) {
    const breakdowns = isRetired ? retiredBreakdownStatements(d1, s, dimension) : breakdownStatements(d1, s, dimension);
    await d1.batch([...breakdowns, newAggregatesVersion(d1)]);
  }
}

/**
 * Rebuilds many days at once with the statements of `rebuildPartnerDay`, all in one batch: for
 * a backfill of little data (the demo's), where a round trip per day and dimension would cost
 * more than the work. The days of real traffic go through `rebuildPartnerDay`.
 */
export async function rebuildPartnerDays(d1: D1Database, scopes: readonly DayScope[]): Promise<void> {
  if (scopes.length === 0) return;
  const goneBeforeMs = await clicksGoneBeforeMs(d1);
  const statements = scopes.flatMap((s) =>
    goneBeforeMs !== null && dayRangeIn(s.date, s.timeZone).startMs < goneBeforeMs
      ? [
          ...retiredAggregateStatements(d1, s),
          ...BREAKDOWN_DIMENSIONS.flatMap((dimension) => retiredBreakdownStatements(d1, s, dimension)),
        ]
      : [
          ...aggregateStatements(d1, s),
          ...BREAKDOWN_DIMENSIONS.flatMap((dimension) => breakdownStatements(d1, s, dimension)),
        ],
  );
  await d1.batch([...statements, newAggregatesVersion(d1)]);
}

/**
 * Gives the aggregates a new version, in the batch (the transaction) that changes them: whatever
 * kept figures read under the old one reads them again (src/isolate/report-cache.ts).
 */
export function newAggregatesVersion(d1: D1Database): D1PreparedStatement {
  return d1.prepare(`INSERT INTO aggregates_version (id, version, updated_at)
    VALUES (1, lower(hex(randomblob(8))), ${NOW_MS_SQL})
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`);
}

/** A row of `daily_aggregates` as read back (snake case from SQL). */
export type AggregateRow = {
  date: string;
  partner_id: string;
  link_id: string;
  clicks: number;
  unique_clicks: number;
  bot_clicks: number;
  conversions: number;
  leads: number;
  add_to_carts: number;
  sales: number;
  revenue_minor: number;
  commission_minor: number;
  refunded_minor: number;
  commission_reversed_minor: number;
  unconverted_conversions: number;
  currency: string;
  median_time_to_conversion_ms: number | null;
  computed_at: number;
};

/** A statement's text and its parameters: what a report runs, and what a test can ask the plan of. */
export type SqlQuery = { sql: string; args: unknown[] };

const run = <T>(d1: D1Database, q: SqlQuery) =>
  d1
    .prepare(q.sql)
    .bind(...q.args)
    .all<T>()
    .then((r) => r.results);

// Reports of one partner and of every partner are two statements, never one with a filter that a
// null parameter switches off (`? IS NULL OR partner_id = ?`): SQLite plans a statement once, so
// such a filter can use no index and a single partner's report would read every partner's rows.

/** The query of `dailyRows`. */
export function dailyQuery(q: {
  from: string;
  to: string;
  partnerId?: string;
  linkId?: string;
  perLink?: boolean;
}): SqlQuery {
  const args: unknown[] = [q.from, q.to];
  const where = ['a.date >= ?1', 'a.date <= ?2'];
  if (q.partnerId) {
    args.push(q.partnerId);
    where.unshift(`a.partner_id = ?${args.length}`);
  }
  if (q.linkId) {
    args.push(q.linkId);
    where.push(`a.link_id = ?${args.length}`);
  } else if (!q.perLink) where.push(`a.link_id = '${TOTAL_LINK_ID}'`);
  else where.push(`a.link_id <> '${TOTAL_LINK_ID}'`);
  return {
    sql: `SELECT a.*, l.slug FROM daily_aggregates a LEFT JOIN links l ON l.id = a.link_id
       WHERE ${where.join(' AND ')} ORDER BY a.date, a.partner_id, a.link_id LIMIT 20000`,
    args,
  };
}

/** Daily rows between two dates (included), the partner totals or one link's, oldest first. */
export function dailyRows(
  d1: D1Database,
  q: { from: string; to: string; partnerId?: string; linkId?: string; perLink?: boolean },
): Promise<(AggregateRow & { slug: string | null })[]> {
  return run(d1, dailyQuery(q));
}

export type BreakdownRow = {
  partner_id: string;
  value: string;
  clicks: number;
  unique_clicks: number;
  bot_clicks: number;
  conversions: number;
  revenue_minor: number;
  commission_minor: number;
  currency: string;
};

/** The query of `breakdownRows`. */
export function breakdownQuery(q: {
  dimension: BreakdownDimension;
  from: string;
  to: string;
  partnerId?: string;
}): SqlQuery {
  const scoped = q.partnerId !== undefined;
  return {
    sql: `SELECT b.partner_id, b.value, SUM(b.clicks) AS clicks, SUM(b.unique_clicks) AS unique_clicks,
         SUM(b.bot_clicks) AS bot_clicks, SUM(b.conversions) AS conversions, SUM(b.revenue_minor) AS revenue_minor,
         SUM(b.commission_minor) AS commission_minor, COALESCE(p.currency, 'EUR') AS currency
       FROM daily_breakdowns b LEFT JOIN partners p ON p.id = b.partner_id
       WHERE ${scoped ? 'b.partner_id = ?4 AND ' : ''}b.dimension = ?1 AND b.date >= ?2 AND b.date <= ?3
       GROUP BY b.partner_id, b.value ORDER BY b.partner_id, clicks DESC, conversions DESC, b.value LIMIT 20000`,
    args: scoped ? [q.dimension, q.from, q.to, q.partnerId] : [q.dimension, q.from, q.to],
  };
}

/** One dimension summed over a range of days, per partner and value, most clicks first. */
export function breakdownRows(
  d1: D1Database,
  q: { dimension: BreakdownDimension; from: string; to: string; partnerId?: string },
): Promise<BreakdownRow[]> {
  return run(d1, breakdownQuery(q));
}

/** The query of `timeToConversionRows`. */
export function timeToConversionQuery(q: { from: string; to: string; timeZone: string; partnerId?: string }): SqlQuery {
  const bounds = TIME_TO_CONVERSION_BUCKETS.flatMap((b, i) =>
    b.maxMs === null ? [] : [`WHEN c.click_to_conversion_ms < ${b.maxMs} THEN ${i}`],
  );
  const scoped = q.partnerId !== undefined;
  const range = [dayRangeIn(q.from, q.timeZone).startMs, dayRangeIn(q.to, q.timeZone).endMs];
  return {
    sql: `SELECT CASE ${bounds.join(' ')} ELSE ${TIME_TO_CONVERSION_BUCKETS.length - 1} END AS bucket,
         COUNT(*) AS conversions
       FROM conversions c
       WHERE ${scoped ? 'c.partner_id = ?3 AND ' : ''}c.occurred_at >= ?1 AND c.occurred_at < ?2
         AND c.status IN (${COUNTED}) AND c.click_to_conversion_ms IS NOT NULL
       GROUP BY 1 ORDER BY 1`,
    args: scoped ? [...range, q.partnerId] : range,
  };
}

/** Counted conversions attributed to a click, per time-to-conversion bucket, over a range of days of `timeZone`. */
export function timeToConversionRows(
  d1: D1Database,
  q: { from: string; to: string; timeZone: string; partnerId?: string },
): Promise<{ bucket: number; conversions: number }[]> {
  return run(d1, timeToConversionQuery(q));
}
