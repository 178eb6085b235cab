// /api/v1/reports: daily figures, breakdowns and time to conversion (JSON or CSV), and rebuilding a day.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import { getLink } from '../../db/links';
import { getPartner } from '../../db/partners';
import { type AggregateRow, breakdownRows, dailyRows, timeToConversionRows } from '../../db/reports';
import type { Partner } from '../../db/schema';
import {
  addDays,
  conversionRate,
  DAY_MS,
  earningsPerClick,
  TIME_TO_CONVERSION_BUCKETS,
  TOTAL_LINK_ID,
  utcDateOf,
  utcDayRange,
} from '../../domain/aggregation';
import { minorToMajor } from '../../domain/money';
import { assertVisible, requireAdmin, scopedPartnerId } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { csvResponse } from '../../http/csv-response';
import { invalidRequest, notFound } from '../../http/errors';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { aggregatePartnerDay, partnersAfter } from '../../jobs/aggregate';
import {
  breakdownQuery,
  breakdownReportSchema,
  breakdownRowSchema,
  dailyReportQuery,
  dailyReportSchema,
  dailyRowSchema,
  rebuildResultSchema,
  rebuildSchema,
  timeToConversionQuery,
  timeToConversionReportSchema,
  timeToConversionRowSchema,
} from '../../schemas/report';
import { queueDailyPush } from '../../services/deliveries';

export const reportsApi = router();

/** Longest range a report covers: a year (and a day, for leap years). */
const MAX_RANGE_DAYS = 366;

const safeMajor = (minor: number, currency: string) => {
  try {
    return minorToMajor(minor, currency);
  } catch {
    return minor / 100;
  }
};

/** The report's days: `to` defaults to yesterday (the last day aggregated), `from` to 29 days before. */
function rangeOf(q: { from?: string; to?: string }): { from: string; to: string } {
  const to = q.to ?? addDays(utcDateOf(Date.now()), -1);
  const from = q.from ?? addDays(to, -29);
  for (const [name, date] of [
    ['from', from],
    ['to', to],
  ] as const) {
    try {
      utcDayRange(date);
    } catch {
      throw invalidRequest(`\`${name}\` is not a calendar date.`, [{ path: [name], message: 'not a date' }]);
    }
  }
  if (from > to) throw invalidRequest('`from` must not be after `to`.', [{ path: ['from'], message: 'after to' }]);
  if ((utcDayRange(to).startMs - utcDayRange(from).startMs) / DAY_MS >= MAX_RANGE_DAYS) {
    throw invalidRequest(`A report covers at most ${MAX_RANGE_DAYS} days.`, [
      { path: ['from'], message: 'range too long' },
    ]);
  }
  return { from, to };
}

const csvContent = { 'text/csv': { schema: z.string() } };

function presentDaily(r: AggregateRow & { slug: string | null }) {
  const money = (m: number) => safeMajor(m, r.currency);
  return {
    date: r.date,
    partnerId: r.partner_id,
    linkId: r.link_id === TOTAL_LINK_ID ? null : r.link_id,
    slug: r.link_id === TOTAL_LINK_ID ? null : r.slug,
    clicks: r.clicks,
    uniqueClicks: r.unique_clicks,
    botClicks: r.bot_clicks,
    conversions: r.conversions,
    revenue: money(r.revenue_minor),
    commission: money(r.commission_minor),
    currency: r.currency,
    conversionRate: conversionRate(r.conversions, r.clicks),
    epc: earningsPerClick(money(r.commission_minor), r.clicks),
    leads: r.leads,
    addToCarts: r.add_to_carts,
    sales: r.sales,
    medianTimeToConversionMs: r.median_time_to_conversion_ms,
    computedAt: new Date(r.computed_at).toISOString(),
  };
}

async function checkLink(c: Context<AppEnv>, linkId: string | undefined, partnerId: string | undefined) {
  if (!linkId) return;
  const link = await getLink(dbOf(c.env), linkId);
  if (!link || (partnerId && link.partnerId !== partnerId)) throw notFound('link');
  assertVisible(c, link.partnerId, 'link');
}

async function checkPartner(c: Context<AppEnv>, partnerId: string | undefined) {
  if (partnerId && !(await getPartner(dbOf(c.env), partnerId))) throw notFound('partner');
}

/** Whose figures and which days a report covers: a partner key sees only its own partner. */
async function scopeOf(c: Context<AppEnv>, q: { partnerId?: string; from?: string; to?: string }) {
  const partnerId = scopedPartnerId(c, q.partnerId);
  await checkPartner(c, partnerId);
  return { partnerId, range: rangeOf(q) };
}

/** A report's answers: JSON, or a CSV file with `format=csv`. */
function reportResponses<T extends Parameters<typeof jsonOk>[0]>(schema: T, description: string) {
  return {
    200: { description, content: { ...jsonOk(schema, '').content, ...csvContent } },
    ...errorResponses,
  };
}

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/daily',
    tags: ['Reports'],
    summary: 'Daily figures per UTC day',
    description:
      'Partner totals per day (or one link, or every link with `by=link`), from the daily aggregates. Money in major units of the partner currency; bot clicks are never counted as clicks.',
    security: bearer,
    request: { query: dailyReportQuery },
    responses: reportResponses(dailyReportSchema, 'Oldest day first.'),
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { partnerId, range } = await scopeOf(c, q);
    await checkLink(c, q.linkId, partnerId);
    const rows = await dailyRows(c.env.DB, { ...range, partnerId, linkId: q.linkId, perLink: q.by === 'link' });
    const data = rows.map(presentDaily);
    if (q.format === 'csv') {
      return csvResponse(`daily-${range.from}-${range.to}.csv`, Object.keys(dailyRowSchema.shape), data);
    }
    return c.json({ data, nextCursor: null }, 200);
  },
);

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/breakdown',
    tags: ['Reports'],
    summary: 'Figures broken down by one dimension',
    description:
      'Summed over the days, per partner and value: traffic source, device, country, placement or sub-id (sub1..sub5). Conversions count under the value of the click they are attributed to.',
    security: bearer,
    request: { query: breakdownQuery },
    responses: reportResponses(breakdownReportSchema, 'Most clicks first.'),
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { partnerId, range } = await scopeOf(c, q);
    const rows = await breakdownRows(c.env.DB, { ...range, dimension: q.dimension, partnerId });
    const data = rows.map((r) => {
      const commission = safeMajor(r.commission_minor, r.currency);
      return {
        partnerId: r.partner_id,
        dimension: q.dimension,
        value: r.value,
        clicks: r.clicks,
        uniqueClicks: r.unique_clicks,
        botClicks: r.bot_clicks,
        conversions: r.conversions,
        revenue: safeMajor(r.revenue_minor, r.currency),
        commission,
        currency: r.currency,
        conversionRate: conversionRate(r.conversions, r.clicks),
        epc: earningsPerClick(commission, r.clicks),
      };
    });
    if (q.format === 'csv') {
      return csvResponse(
        `breakdown-${q.dimension}-${range.from}-${range.to}.csv`,
        Object.keys(breakdownRowSchema.shape),
        data,
      );
    }
    return c.json({ data, nextCursor: null }, 200);
  },
);

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/time-to-conversion',
    tags: ['Reports'],
    summary: 'How long after the click conversions happen',
    description: 'Pending and approved conversions attributed to a click, by time from click to conversion.',
    security: bearer,
    request: { query: timeToConversionQuery },
    responses: reportResponses(timeToConversionReportSchema, 'Every bucket, shortest first.'),
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { partnerId, range } = await scopeOf(c, q);
    const counts = new Map(
      (await timeToConversionRows(c.env.DB, { ...range, partnerId })).map((r) => [r.bucket, r.conversions]),
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const data = TIME_TO_CONVERSION_BUCKETS.map((b, i) => {
      const conversions = counts.get(i) ?? 0;
      return {
        bucket: b.label,
        minMs: i === 0 ? 0 : (TIME_TO_CONVERSION_BUCKETS[i - 1]?.maxMs ?? 0),
        maxMs: b.maxMs,
        conversions,
        share: total ? Math.round((conversions / total) * 10_000) / 10_000 : 0,
      };
    });
    if (q.format === 'csv') {
      return csvResponse(
        `time-to-conversion-${range.from}-${range.to}.csv`,
        Object.keys(timeToConversionRowSchema.shape),
        data,
      );
    }
    return c.json({ data, nextCursor: null }, 200);
  },
);

reportsApi.openapi(
  createRoute({
    method: 'post',
    path: '/reports/daily/rebuild',
    tags: ['Reports'],
    summary: "Recompute a day's aggregates",
    description:
      "For late data: rebuilds the UTC day from clicks and conversions (rebuilding twice gives the same figures). With `push: true`, queues the day's push to each partner with a webhookUrl again, as a new message with a new `webhook-id` (a receiver that drops the ids it has seen still reads the corrected day).",
    security: bearer,
    request: { body: jsonBody(rebuildSchema) },
    responses: { 200: jsonOk(rebuildResultSchema, 'What was rebuilt and queued.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    if (body.date > utcDateOf(Date.now())) {
      throw invalidRequest('A day in the future has no figures yet.', [{ path: ['date'], message: 'in the future' }]);
    }
    let targets: Partner[];
    if (body.partnerId) {
      const partner = await getPartner(dbOf(c.env), body.partnerId);
      if (!partner) throw notFound('partner');
      targets = [partner];
    } else {
      targets = [];
      for (let page = await partnersAfter(c.env, null); page.length; ) {
        targets.push(...page);
        page = await partnersAfter(c.env, page[page.length - 1]?.id ?? null);
      }
    }
    const deliveries = [];
    for (const partner of targets) {
      await aggregatePartnerDay(c.env, partner, body.date);
      if (body.push) {
        const d = await queueDailyPush(c.env, partner, body.date, { force: true });
        if (d) deliveries.push({ id: d.id, partnerId: d.partnerId, status: d.status });
      }
    }
    return c.json({ date: body.date, partners: targets.map((p) => p.id), deliveries }, 200);
  },
);
