// Figures that include today: the daily aggregates for the days the daily job has built, and the
// clicks and conversions themselves for the days it has not (src/domain/period.ts), counted
// exactly as the aggregates count them (src/db/reports.ts).
import { type BreakdownDimension, TOTAL_LINK_ID, UNATTRIBUTED } from '../domain/aggregation';
import type { LiveWindow } from '../domain/period';
import { CLICK_FIGURES, CONVERSION_FIGURES, COUNTED, DIMENSION_SQL, type SqlQuery } from './reports';

/** Placeholders numbered in the order their values are added. */
class Params {
  readonly args: unknown[] = [];
  add(value: unknown): string {
    this.args.push(value);
    return `?${this.args.length}`;
  }
}

// Every partner's rows are read partner by partner through the (partner_id, time) indexes: clicks
// have no index on time alone (each one would cost every click write), and a range of days with
// no partner named would otherwise scan the whole table.
function partnerIs(alias: string, p: Params, partnerId: string | undefined): string {
  return partnerId === undefined
    ? `${alias}.partner_id IN (SELECT id FROM partners)`
    : `${alias}.partner_id = ${p.add(partnerId)}`;
}

/**
 * Rows of the live window: today's of every partner in reach, and yesterday's of the partners
 * whose yesterday is not aggregated yet (its total row is the mark that it is). Two ranges of
 * the partner index, so that the yesterday of aggregated partners is never read at all.
 */
function isLive(alias: string, time: string, p: Params, w: LiveWindow, partnerId: string | undefined): string {
  const col = `${alias}.${time}`;
  const ranges: string[] = [];
  if (w.endMs > w.todayStartMs) {
    const from = Math.max(w.startMs, w.todayStartMs);
    ranges.push(`${partnerIs(alias, p, partnerId)} AND ${col} >= ${p.add(from)} AND ${col} < ${p.add(w.endMs)}`);
  }
  if (w.startMs < w.todayStartMs) {
    const only = partnerId === undefined ? '' : `id = ${p.add(partnerId)} AND `;
    ranges.push(`${alias}.partner_id IN (SELECT id FROM partners WHERE ${only}id NOT IN
        (SELECT partner_id FROM daily_aggregates WHERE date = ${p.add(w.yesterday)} AND link_id = '${TOTAL_LINK_ID}'))
      AND ${col} >= ${p.add(w.startMs)} AND ${col} < ${p.add(w.todayStartMs)}`);
  }
  return ranges.length === 1 ? (ranges[0] ?? '') : `((${ranges.join(') OR (')}))`;
}

/** The date a live row belongs to: today, or yesterday before today's first instant. */
const liveDate = (col: string, p: Params, w: LiveWindow) =>
  `CASE WHEN ${col} >= ${p.add(w.todayStartMs)} THEN ${p.add(w.today)} ELSE ${p.add(w.yesterday)} END`;

// The unary `+` keeps SQLite from reading conversions through their status index, which would
// walk every counted conversion ever recorded instead of the partners' days asked for.
const COUNTED_ONLY = (alias: string) => `+${alias}.status IN (${COUNTED})`;

/** Totals of a partner's day (or several partners'), as one row of `daily_aggregates` gives them. */
export type DayTotals = {
  clicks: number;
  unique_clicks: number;
  bot_clicks: number;
  conversions: number;
  revenue_minor: number;
  commission_minor: number;
};

/** A link's live day: `link_id` is null for the conversions attributed to no link. */
export type LiveLinkDay = DayTotals & { partner_id: string; link_id: string | null; date: string };

/**
 * Each link's live days (today, and yesterday while not aggregated), counted as the aggregates
 * count them: `LiveLinkDay` rows. Partner totals, the series and the top lists are all summed from
 * these few rows, so that the day's clicks are read once per page.
 */
export function liveLinksQuery(q: { window: LiveWindow; partnerId?: string }): SqlQuery {
  const p = new Params();
  const w = q.window;
  const clicks = `SELECT k.partner_id, k.link_id, ${liveDate('k.created_at', p, w)} AS date, ${CLICK_FIGURES},
      0 AS conversions, 0 AS revenue_minor, 0 AS commission_minor
    FROM clicks k WHERE ${isLive('k', 'created_at', p, w, q.partnerId)} GROUP BY 1, 2, 3`;
  const conversions = `SELECT partner_id, link_id, date, 0, 0, 0, conversions, revenue_minor, commission_minor FROM (
      SELECT c.partner_id, c.link_id, ${liveDate('c.occurred_at', p, w)} AS date, ${CONVERSION_FIGURES}
      FROM conversions c WHERE ${isLive('c', 'occurred_at', p, w, q.partnerId)} AND ${COUNTED_ONLY('c')}
      GROUP BY 1, 2, 3)`;
  return {
    sql: `SELECT partner_id, link_id, date, SUM(clicks) AS clicks, SUM(unique_clicks) AS unique_clicks,
        SUM(bot_clicks) AS bot_clicks, SUM(conversions) AS conversions, SUM(revenue_minor) AS revenue_minor,
        SUM(commission_minor) AS commission_minor
      FROM (${clicks} UNION ALL ${conversions}) GROUP BY partner_id, link_id, date ORDER BY date, partner_id, link_id`,
    args: p.args,
  };
}

const SUMS = `SUM(a.clicks) AS clicks, SUM(a.unique_clicks) AS unique_clicks, SUM(a.bot_clicks) AS bot_clicks,
  SUM(a.conversions) AS conversions, SUM(a.revenue_minor) AS revenue_minor, SUM(a.commission_minor) AS commission_minor`;

/** Aggregated partner totals per day and reporting currency (money is never added across currencies). */
export function aggregatedDaysQuery(q: { from: string; to: string; partnerId?: string }): SqlQuery {
  const p = new Params();
  return {
    sql: `SELECT a.date, a.currency, ${SUMS} FROM daily_aggregates a
      WHERE ${partnerIs('a', p, q.partnerId)} AND a.date >= ${p.add(q.from)} AND a.date <= ${p.add(q.to)}
        AND a.link_id = '${TOTAL_LINK_ID}'
      GROUP BY a.date, a.currency ORDER BY a.date, a.currency`,
    args: p.args,
  };
}

/** Each partner's aggregated totals over a range of days, per reporting currency. */
export function aggregatedPartnersQuery(q: { from: string; to: string }): SqlQuery {
  const p = new Params();
  return {
    sql: `SELECT a.partner_id, a.currency, ${SUMS} FROM daily_aggregates a
      WHERE ${partnerIs('a', p, undefined)} AND a.date >= ${p.add(q.from)} AND a.date <= ${p.add(q.to)}
        AND a.link_id = '${TOTAL_LINK_ID}'
      GROUP BY a.partner_id, a.currency`,
    args: p.args,
  };
}

/** A link's aggregated figures over a range. */
export type LinkTotals = DayTotals & { link_id: string; partner_id: string };

/**
 * Each link's aggregated figures over a range of days (the links with clicks or conversions):
 * `LinkTotals`. Read link by link, so that each one's days are one range of the index (SQLite
 * keeps the tables of a CROSS JOIN in the order written).
 */
export function aggregatedLinksQuery(q: { from: string; to: string; partnerId?: string }): SqlQuery {
  const p = new Params();
  return {
    sql: `SELECT l.id AS link_id, l.partner_id, ${SUMS}
      FROM links l CROSS JOIN daily_aggregates a ON a.partner_id = l.partner_id AND a.link_id = l.id
      WHERE ${partnerIs('l', p, q.partnerId)} AND a.date >= ${p.add(q.from)} AND a.date <= ${p.add(q.to)}
      GROUP BY l.partner_id, l.id LIMIT 20000`,
    args: p.args,
  };
}

/** An hour's counts: `hour` is the number of whole hours since the range's first instant. */
export type HourCounts = {
  hour: number;
  clicks: number;
  unique_clicks: number;
  bot_clicks: number;
  conversions: number;
};

/** Clicks and counted conversions per hour between two instants, from the rows themselves: `HourCounts`. */
export function hourlyCountsQuery(q: { startMs: number; endMs: number; partnerId?: string }): SqlQuery {
  const p = new Params();
  // D1 binds a number as a real: the hour is made whole explicitly.
  const start = p.add(q.startMs);
  const end = p.add(q.endMs);
  const clicks = `SELECT CAST((k.created_at - ${start}) / 3600000 AS INTEGER) AS hour, ${CLICK_FIGURES}, 0 AS conversions
    FROM clicks k WHERE ${partnerIs('k', p, q.partnerId)} AND k.created_at >= ${start} AND k.created_at < ${end}
    GROUP BY 1`;
  const conversions = `SELECT CAST((c.occurred_at - ${start}) / 3600000 AS INTEGER), 0, 0, 0, COUNT(*)
    FROM conversions c WHERE ${partnerIs('c', p, q.partnerId)} AND c.occurred_at >= ${start}
      AND c.occurred_at < ${end} AND ${COUNTED_ONLY('c')}
    GROUP BY 1`;
  return {
    sql: `SELECT hour, SUM(clicks) AS clicks, SUM(unique_clicks) AS unique_clicks, SUM(bot_clicks) AS bot_clicks,
        SUM(conversions) AS conversions
      FROM (${clicks} UNION ALL ${conversions}) GROUP BY hour ORDER BY hour`,
    args: p.args,
  };
}

/** A breakdown value's figures of one partner, in its reporting currency. */
const BREAKDOWN_OUT = `SELECT f.partner_id, f.value, SUM(f.clicks) AS clicks, SUM(f.unique_clicks) AS unique_clicks,
  SUM(f.bot_clicks) AS bot_clicks, SUM(f.conversions) AS conversions, SUM(f.revenue_minor) AS revenue_minor,
  SUM(f.commission_minor) AS commission_minor, COALESCE(pt.currency, 'EUR') AS currency`;

/** One dimension over aggregated days, per partner and value: `BreakdownRow`s. */
export function aggregatedBreakdownQuery(q: {
  dimension: BreakdownDimension;
  from: string;
  to: string;
  partnerId?: string;
}): SqlQuery {
  const p = new Params();
  return {
    sql: `${BREAKDOWN_OUT}
      FROM daily_breakdowns f LEFT JOIN partners pt ON pt.id = f.partner_id
      WHERE ${partnerIs('f', p, q.partnerId)} AND f.dimension = ${p.add(q.dimension)}
        AND f.date >= ${p.add(q.from)} AND f.date <= ${p.add(q.to)}
      GROUP BY f.partner_id, f.value LIMIT 20000`,
    args: p.args,
  };
}

/**
 * One dimension over the live window, per partner and value, counted as the daily breakdowns
 * count it (conversions under the value of the click they are attributed to): `BreakdownRow`s.
 */
export function liveBreakdownQuery(q: {
  dimension: BreakdownDimension;
  window: LiveWindow;
  partnerId?: string;
}): SqlQuery {
  const p = new Params();
  const value = DIMENSION_SQL[q.dimension];
  const clicks = `SELECT k.partner_id, ${value} AS value, ${CLICK_FIGURES}, 0 AS conversions, 0 AS revenue_minor,
      0 AS commission_minor
    FROM clicks k WHERE ${isLive('k', 'created_at', p, q.window, q.partnerId)} GROUP BY 1, 2`;
  const conversions = `SELECT partner_id, value, 0, 0, 0, conversions, revenue_minor, commission_minor FROM (
      SELECT c.partner_id, CASE WHEN k.id IS NULL THEN '${UNATTRIBUTED}' ELSE ${value} END AS value,
        ${CONVERSION_FIGURES}
      FROM conversions c LEFT JOIN clicks k ON k.id = c.click_id
      WHERE ${isLive('c', 'occurred_at', p, q.window, q.partnerId)} AND ${COUNTED_ONLY('c')}
      GROUP BY 1, 2)`;
  return {
    sql: `${BREAKDOWN_OUT}
      FROM (${clicks} UNION ALL ${conversions}) f LEFT JOIN partners pt ON pt.id = f.partner_id
      GROUP BY f.partner_id, f.value LIMIT 20000`,
    args: p.args,
  };
}

/** The version of the aggregates (none before their first rebuild): see `newAggregatesVersion`. */
export function aggregatesVersionQuery(): SqlQuery {
  return { sql: 'SELECT version FROM aggregates_version WHERE id = 1', args: [] };
}

/** The links of a partner (or of every partner) as reports name them: `{ id, slug }` rows. */
export function linkSlugsQuery(q: { partnerId?: string }): SqlQuery {
  const p = new Params();
  return { sql: `SELECT l.id, l.slug FROM links l WHERE ${partnerIs('l', p, q.partnerId)} LIMIT 20000`, args: p.args };
}

/**
 * Runs several queries in one round trip to D1 and answers their rows in the same order: a page
 * waits for its slowest query, not for the sum of them.
 */
export async function readAll(d1: D1Database, queries: readonly SqlQuery[]): Promise<unknown[][]> {
  const results = await d1.batch(queries.map((q) => d1.prepare(q.sql).bind(...q.args)));
  return results.map((r) => r.results);
}

/** A partner as reports name it. */
export type PartnerName = { id: string; name: string; currency: string; is_deleted: number };

/**
 * The query of the partners a report names: one (unless deleted), or every one, deleted ones
 * included (their past figures are still in the aggregates), by name.
 */
export function partnerNamesQuery(q: { partnerId?: string }): SqlQuery {
  return q.partnerId === undefined
    ? {
        sql: 'SELECT id, name, currency, deleted_at IS NOT NULL AS is_deleted FROM partners ORDER BY name, id LIMIT 5000',
        args: [],
      }
    : {
        sql: 'SELECT id, name, currency, 0 AS is_deleted FROM partners WHERE id = ?1 AND deleted_at IS NULL',
        args: [q.partnerId],
      };
}
