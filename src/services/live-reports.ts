// Reports that include today: the overview (totals against the previous period, a time series,
// top partners and links) and breakdowns, from the aggregates of finished days plus the clicks
// and conversions of the days not aggregated yet. Money stays in each partner's reporting currency.
import {
  aggregatedBreakdownQuery,
  aggregatedDaysQuery,
  aggregatedLinksQuery,
  aggregatedPartnersQuery,
  aggregatesVersionQuery,
  type DayTotals,
  type HourCounts,
  hourlyCountsQuery,
  type LinkTotals,
  type LiveLinkDay,
  linkSlugsQuery,
  liveBreakdownQuery,
  liveLinksQuery,
  type PartnerName,
  partnerNamesQuery,
  readAll,
} from '../db/live-reports';
import type { BreakdownRow, SqlQuery } from '../db/reports';
import type { BreakdownDimension } from '../domain/aggregation';
import { dateIn, datesBetween, dayRangeIn, dayStartIn, timeZoneOf } from '../domain/calendar';
import { aggregatedUntil, isHourly, liveWindowOf, type Period, periodOf } from '../domain/period';
import { type CallerScope, partnerFilterOf } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';
import { heldRows, holdRows, rowsToReuse } from '../isolate/report-cache';
import { timeToConversionReport } from './reports';

/** Money of one reporting currency, in its minor units. */
export type Money = { currency: string; revenueMinor: number; commissionMinor: number };

/** Counts of a period, and its money per reporting currency (never added across currencies). */
export type Figures = {
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
  conversions: number;
  /** One entry per currency, in code order; the partner's currency alone for one partner. */
  money: Money[];
};

/** Counts of one day or hour of the time series. */
export type Point = { clicks: number; uniqueClicks: number; botClicks: number; conversions: number };

export type Series =
  | { step: 'day'; points: (Point & { date: string })[] }
  /** Hours from the period's first instant: `startMs` of each is its first instant. */
  | { step: 'hour'; points: (Point & { startMs: number })[] };

/** A partner or a link ranked among the top ones, its money in its partner's currency. */
export type Ranked = {
  id: string;
  name: string;
  partnerId: string;
  clicks: number;
  botClicks: number;
  conversions: number;
  revenueMinor: number;
  commissionMinor: number;
  currency: string;
};

export type Overview = {
  period: Period;
  /** The partner the figures are limited to, null for every partner in reach. */
  partner: { id: string; name: string; currency: string } | null;
  current: Figures;
  previous: Figures;
  series: Series;
  /** Every partner in reach ranked, when no single partner is asked for; else null. */
  topPartners: Ranked[] | null;
  topLinks: Ranked[];
  /** Partners an admin may narrow the figures to (not deleted), by name; empty for a partner's user. */
  choices: { id: string; name: string }[];
};

/** What an overview or a breakdown is asked for: days of the programme's zone, up to today. */
export type LiveAsk = { from?: string; to?: string; partnerId?: string };

/** How many partners and links the overview ranks. */
export const TOP_COUNT = 10;

/**
 * The overview of a period: totals and the previous period's, the time series (per day, or per
 * hour for 48 hours or less), the top partners (all partners only) and the top links. Bot clicks
 * are counted apart; `withBots` ranks the top lists by every click, bots included.
 * @example await overviewReport(env, { partnerId: null }, { from: '2026-11-01', to: '2026-11-25', withBots: false })
 */
export async function overviewReport(
  env: Env,
  scope: CallerScope,
  ask: LiveAsk & { withBots: boolean },
  nowMs: number = Date.now(),
): Promise<Overview> {
  const partnerId = partnerInReach(scope, ask.partnerId);
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const period = askedPeriod(ask, nowMs, timeZone);
  const today = dateIn(nowMs, timeZone);
  const both = { from: period.previous.from, to: period.to };
  const bothLive = liveWindowOf(both, nowMs, timeZone);
  const hours = isHourly(period)
    ? { startMs: dayStartIn(period.from, timeZone), endMs: dayRangeIn(period.to, timeZone).endMs }
    : null;
  const aggregatedTo = aggregatedUntil(period, today);

  // An admin chooses among every partner; a partner's user is named only its own.
  const named = { partnerId: scope.partnerId ?? undefined };
  const liveQueries = [partnerNamesQuery(named), linkSlugsQuery({ partnerId })];
  if (bothLive) liveQueries.push(liveLinksQuery({ window: bothLive, partnerId }));
  if (hours) liveQueries.push(hourlyCountsQuery({ ...hours, partnerId }));
  const aggregatedQueries = [
    aggregatedDaysQuery({ ...both, to: aggregatedUntil(both, today), partnerId }),
    aggregatedLinksQuery({ from: period.from, to: aggregatedTo, partnerId }),
  ];
  if (partnerId === undefined) {
    aggregatedQueries.push(aggregatedPartnersQuery({ from: period.from, to: aggregatedTo }));
  }
  const read = await readKeepingAggregates(env, liveQueries, aggregatedQueries);
  const next = <T>(rows: unknown[][]) => (rows.shift() ?? []) as T[];
  const names = next<PartnerName>(read.live);
  const slugs = new Map(next<{ id: string; slug: string }>(read.live).map((l) => [l.id, l.slug]));
  const live = bothLive ? next<LiveLinkDay>(read.live) : [];
  const hourly = hours ? next<HourCounts>(read.live) : [];
  const aggregatedDays = next<DayTotals & { date: string; currency: string }>(read.aggregated);
  const aggregatedLinks = next<LinkTotals>(read.aggregated);
  const aggregatedPartners = next<DayTotals & { partner_id: string; currency: string }>(read.aggregated);
  const isCurrent = (row: { date: string }) => row.date >= period.from && row.date <= period.to;

  const partners = new Map(names.map((p) => [p.id, p]));
  const only = partnerId === undefined ? null : partners.get(partnerId);
  if (only === undefined || only?.is_deleted) throw notFound('partner');
  const currencyOf = (id: string) => partners.get(id)?.currency ?? 'EUR';

  // Each day's figures, aggregated or live, money per currency.
  const days = new Map<string, Tally>();
  for (const row of aggregatedDays) add(tallyOf(days, row.date), row, row.currency);
  for (const row of live) add(tallyOf(days, row.date), row, currencyOf(row.partner_id));
  const defaultCurrencies = only ? [only.currency] : currenciesOf(names);
  const sumOver = (from: string, to: string) => {
    const total = emptyTally();
    for (const [date, tally] of days) if (date >= from && date <= to) merge(total, tally);
    return figuresOf(total, defaultCurrencies);
  };

  let series: Series;
  if (hours) {
    const counts = new Map(hourly.map((h) => [h.hour, h]));
    const length = Math.round((hours.endMs - hours.startMs) / 3_600_000);
    series = {
      step: 'hour',
      points: Array.from({ length }, (_, hour) => ({
        startMs: hours.startMs + hour * 3_600_000,
        ...pointOf(counts.get(hour)),
      })),
    };
  } else {
    series = {
      step: 'day',
      points: datesBetween(period.from, period.to).map((date) => ({ date, ...pointOf(days.get(date)) })),
    };
  }

  let topPartners: Ranked[] | null = null;
  if (partnerId === undefined) {
    const byPartner = new Map<string, Tally>();
    for (const row of aggregatedPartners) add(tallyOf(byPartner, row.partner_id), row, currencyOf(row.partner_id));
    for (const row of live.filter(isCurrent)) add(tallyOf(byPartner, row.partner_id), row, currencyOf(row.partner_id));
    topPartners = ranked(byPartner, (id) => ({ name: partners.get(id)?.name ?? id, partnerId: id }));
  }

  // Links: their aggregated days and their live ones; conversions attributed to no link are in
  // the totals only.
  const byLink = new Map<string, Tally>();
  const linkOf = new Map<string, { name: string; partnerId: string }>();
  for (const row of [...aggregatedLinks, ...live.filter(isCurrent)]) {
    if (row.link_id === null) continue;
    add(tallyOf(byLink, row.link_id), row, currencyOf(row.partner_id));
    linkOf.set(row.link_id, { name: slugs.get(row.link_id) ?? row.link_id, partnerId: row.partner_id });
  }

  /** The first ones of a tally map, most clicks first, money in their partner's currency. */
  function ranked(map: Map<string, Tally>, who: (id: string) => { name: string; partnerId: string }): Ranked[] {
    return [...map]
      .map(([id, tally]) => {
        const { name, partnerId: owner } = who(id);
        const money = tally.money.get(currencyOf(owner));
        return {
          id,
          name,
          partnerId: owner,
          clicks: tally.clicks,
          botClicks: tally.botClicks,
          conversions: tally.conversions,
          revenueMinor: money?.revenueMinor ?? 0,
          commissionMinor: money?.commissionMinor ?? 0,
          currency: currencyOf(owner),
        };
      })
      .sort(byClicks(ask.withBots))
      .slice(0, TOP_COUNT);
  }

  return {
    period,
    partner: only ? { id: only.id, name: only.name, currency: only.currency } : null,
    current: sumOver(period.from, period.to),
    previous: sumOver(period.previous.from, period.previous.to),
    series,
    topPartners,
    topLinks: ranked(byLink, (id) => linkOf.get(id) ?? { name: id, partnerId: '' }),
    choices:
      scope.partnerId === null ? names.filter((p) => !p.is_deleted).map((p) => ({ id: p.id, name: p.name })) : [],
  };
}

/** A breakdown value's figures: money in `currency`. */
export type BreakdownLine = {
  value: string;
  clicks: number;
  uniqueClicks: number;
  botClicks: number;
  conversions: number;
  revenueMinor: number;
  commissionMinor: number;
  currency: string;
};

/**
 * One dimension over a period, today's clicks and conversions included: per value, most clicks
 * first. Over every partner, values are summed across partners of the same reporting currency
 * (one line per value and currency: amounts of different currencies are never added).
 */
export async function liveBreakdownReport(
  env: Env,
  scope: CallerScope,
  ask: LiveAsk & { dimension: BreakdownDimension },
  nowMs: number = Date.now(),
): Promise<{ period: Period; lines: BreakdownLine[] }> {
  const partnerId = partnerInReach(scope, ask.partnerId);
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const period = askedPeriod(ask, nowMs, timeZone);
  const window = liveWindowOf(period, nowMs, timeZone);
  const { dimension } = ask;
  const liveQueries: SqlQuery[] = [];
  if (partnerId !== undefined) liveQueries.push(partnerNamesQuery({ partnerId }));
  if (window) liveQueries.push(liveBreakdownQuery({ dimension, window, partnerId }));
  const aggregatedTo = aggregatedUntil(period, dateIn(nowMs, timeZone));
  const read = await readKeepingAggregates(env, liveQueries, [
    aggregatedBreakdownQuery({ dimension, from: period.from, to: aggregatedTo, partnerId }),
  ]);
  if (partnerId !== undefined && (read.live.shift() ?? []).length === 0) throw notFound('partner');
  const rows = [...(read.aggregated[0] ?? []), ...(window ? (read.live.shift() ?? []) : [])] as BreakdownRow[];
  return { period, lines: linesOf(rows) };
}

/**
 * Counted conversions attributed to a click, per time from click to conversion, over a period
 * that may reach today (conversions are always read from their rows).
 */
export async function liveTimeToConversionReport(
  env: Env,
  scope: CallerScope,
  ask: LiveAsk,
  nowMs: number = Date.now(),
): Promise<{ period: Period; buckets: Awaited<ReturnType<typeof timeToConversionReport>>['buckets'] }> {
  const period = askedPeriod(ask, nowMs, timeZoneOf(env.REPORT_TIMEZONE));
  const { buckets } = await timeToConversionReport(env, scope, {
    partnerId: ask.partnerId || undefined,
    from: period.from,
    to: period.to,
  });
  return { period, buckets };
}

/** Breakdown rows summed per value and currency, most clicks first (then conversions, then value). */
export function linesOf(rows: readonly BreakdownRow[]): BreakdownLine[] {
  const lines = new Map<string, BreakdownLine>();
  for (const r of rows) {
    const key = `${r.currency}\u0000${r.value}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        value: r.value,
        clicks: 0,
        uniqueClicks: 0,
        botClicks: 0,
        conversions: 0,
        revenueMinor: 0,
        commissionMinor: 0,
        currency: r.currency,
      };
      lines.set(key, line);
    }
    line.clicks += r.clicks;
    line.uniqueClicks += r.unique_clicks;
    line.botClicks += r.bot_clicks;
    line.conversions += r.conversions;
    line.revenueMinor += r.revenue_minor;
    line.commissionMinor += r.commission_minor;
  }
  return [...lines.values()].sort(
    (a, b) =>
      b.clicks - a.clicks ||
      b.conversions - a.conversions ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) ||
      (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0),
  );
}

/** Partners an admin may narrow a report to (not deleted), by name; none for a partner's user. */
export async function reportChoices(env: Env, scope: CallerScope): Promise<{ id: string; name: string }[]> {
  if (scope.partnerId !== null) return [];
  const [names = []] = (await readAll(env.DB, [partnerNamesQuery({})])) as PartnerName[][];
  return names.filter((p) => !p.is_deleted).map((p) => ({ id: p.id, name: p.name }));
}

/** The partner whose figures are asked (undefined: every partner in reach); 404 for another partner's. */
function partnerInReach(scope: CallerScope, asked: string | undefined): string | undefined {
  const filter = partnerFilterOf(scope, asked || undefined);
  if (!filter) throw notFound('partner');
  return filter.partnerId;
}

/**
 * Runs a page's queries in one round trip to D1: those of live figures always, those of
 * aggregated days unless the isolate holds their rows for the aggregates' current version (read
 * in the same batch). When the version has moved since, the aggregated ones are read again.
 */
async function readKeepingAggregates(
  env: Env,
  live: readonly SqlQuery[],
  aggregated: readonly SqlQuery[],
): Promise<{ live: unknown[][]; aggregated: unknown[][] }> {
  // The queries themselves name what they read: the same text and parameters, the same rows.
  const key = JSON.stringify(aggregated);
  const reusable = rowsToReuse(key);
  const [versionRows = [], ...rows] = await readAll(env.DB, [
    aggregatesVersionQuery(),
    ...live,
    ...(reusable ? [] : aggregated),
  ]);
  const version = (versionRows[0] as { version: string } | undefined)?.version ?? '';
  let aggregatedRows = reusable ? heldRows(key, version) : rows.slice(live.length);
  aggregatedRows ??= await readAll(env.DB, aggregated);
  holdRows(key, version, aggregatedRows);
  // Copies: callers take rows off the lists.
  return { live: rows.slice(0, live.length), aggregated: [...aggregatedRows] };
}

function askedPeriod(ask: LiveAsk, nowMs: number, timeZone: string): Period {
  const asked = periodOf({ from: ask.from || undefined, to: ask.to || undefined }, nowMs, timeZone);
  if (!asked.ok) throw invalidRequest(asked.message, asked.details);
  return asked.period;
}

/** Running sums: counts, and money per currency. */
type Tally = Point & { money: Map<string, Money> };

const emptyTally = (): Tally => ({ clicks: 0, uniqueClicks: 0, botClicks: 0, conversions: 0, money: new Map() });

function tallyOf(map: Map<string, Tally>, key: string): Tally {
  let tally = map.get(key);
  if (!tally) {
    tally = emptyTally();
    map.set(key, tally);
  }
  return tally;
}

function add(tally: Tally, row: DayTotals, currency: string): void {
  tally.clicks += row.clicks;
  tally.uniqueClicks += row.unique_clicks;
  tally.botClicks += row.bot_clicks;
  tally.conversions += row.conversions;
  addMoney(tally, { currency, revenueMinor: row.revenue_minor, commissionMinor: row.commission_minor });
}

function addMoney(tally: Tally, money: Money): void {
  const held = tally.money.get(money.currency);
  if (held) {
    held.revenueMinor += money.revenueMinor;
    held.commissionMinor += money.commissionMinor;
  } else {
    tally.money.set(money.currency, { ...money });
  }
}

function merge(into: Tally, from: Tally): void {
  into.clicks += from.clicks;
  into.uniqueClicks += from.uniqueClicks;
  into.botClicks += from.botClicks;
  into.conversions += from.conversions;
  for (const money of from.money.values()) addMoney(into, money);
}

/** A period's figures, with a zero for each currency expected but absent. */
function figuresOf(tally: Tally, currencies: readonly string[]): Figures {
  for (const currency of currencies) addMoney(tally, { currency, revenueMinor: 0, commissionMinor: 0 });
  return {
    clicks: tally.clicks,
    uniqueClicks: tally.uniqueClicks,
    botClicks: tally.botClicks,
    conversions: tally.conversions,
    money: [...tally.money.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1)),
  };
}

function pointOf(row: Point | HourCounts | undefined): Point {
  if (!row) return { clicks: 0, uniqueClicks: 0, botClicks: 0, conversions: 0 };
  if ('unique_clicks' in row) {
    return {
      clicks: row.clicks,
      uniqueClicks: row.unique_clicks,
      botClicks: row.bot_clicks,
      conversions: row.conversions,
    };
  }
  return { clicks: row.clicks, uniqueClicks: row.uniqueClicks, botClicks: row.botClicks, conversions: row.conversions };
}

/** The reporting currencies of the partners not deleted, EUR when there is none. */
function currenciesOf(partners: readonly PartnerName[]): string[] {
  const set = new Set(partners.filter((p) => !p.is_deleted).map((p) => p.currency));
  return set.size ? [...set] : ['EUR'];
}

const byClicks =
  (withBots: boolean) =>
  (a: Ranked, b: Ranked): number =>
    b.clicks + (withBots ? b.botClicks : 0) - (a.clicks + (withBots ? a.botClicks : 0)) ||
    b.conversions - a.conversions ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
