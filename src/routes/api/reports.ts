// /api/v1/reports: daily figures, breakdowns and time to conversion (JSON or CSV), unknown slugs, and rebuilding a day.
import { createRoute, z } from '@hono/zod-openapi';
import type { AggregateRow } from '../../db/reports';
import { conversionRate, earningsPerClick, TOTAL_LINK_ID } from '../../domain/aggregation';
import { minorToMajor } from '../../domain/money';
import { requireAdmin, scopeOf } from '../../http/auth';
import { csvResponse } from '../../http/csv-response';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import {
  breakdownQuery,
  breakdownReportSchema,
  breakdownRowSchema,
  dailyReportQuery,
  dailyReportSchema,
  dailyRowSchema,
  orphanReportQuery,
  orphanReportSchema,
  rebuildResultSchema,
  rebuildSchema,
  timeToConversionQuery,
  timeToConversionReportSchema,
  timeToConversionRowSchema,
} from '../../schemas/report';
import { breakdownReport, dailyReport, orphanReport, rebuildDay, timeToConversionReport } from '../../services/reports';

export const reportsApi = router();

const safeMajor = (minor: number, currency: string) => {
  try {
    return minorToMajor(minor, currency);
  } catch {
    return minor / 100;
  }
};

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
    refunded: money(r.refunded_minor),
    commissionReversed: money(r.commission_reversed_minor),
    unconvertedConversions: r.unconverted_conversions,
  };
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
    summary: 'Daily figures per day of REPORT_TIMEZONE',
    description:
      'Partner totals per day (or one link, or every link with `by=link`), from the daily aggregates. Money in major units of the partner currency; bot clicks are never counted as clicks.',
    security: bearer,
    request: { query: dailyReportQuery },
    responses: reportResponses(dailyReportSchema, 'Oldest day first.'),
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { range, rows } = await dailyReport(c.env, scopeOf(c), q);
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
    const { range, rows } = await breakdownReport(c.env, scopeOf(c), q);
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
    const { range, buckets: data } = await timeToConversionReport(c.env, scopeOf(c), q);
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
    method: 'get',
    path: '/reports/orphans',
    tags: ['Reports'],
    summary: 'Requests for unknown slugs',
    description:
      'Requests (`GET` or `HEAD /:slug`) for slugs that name no link, answered with the 404 page: per day of `REPORT_TIMEZONE` and path, people and bots apart, so that a broken link in the app shows. Counted in memory and written every few seconds (within 5 s); no IP address or user agent is kept. Admin keys only: these paths belong to no partner.',
    security: bearer,
    request: { query: orphanReportQuery },
    responses: { 200: jsonOk(orphanReportSchema, 'By day, oldest first, then most hits first.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const { rows } = await orphanReport(c.env, c.req.valid('query'));
    return c.json({ data: rows.map((r) => ({ date: r.date, path: r.path, hits: r.hits, botHits: r.bot_hits })) }, 200);
  },
);

reportsApi.openapi(
  createRoute({
    method: 'post',
    path: '/reports/daily/rebuild',
    tags: ['Reports'],
    summary: "Recompute a day's aggregates",
    description:
      "For late data: rebuilds the day (of `REPORT_TIMEZONE`) from clicks and conversions (rebuilding twice gives the same figures). With `push: true`, queues the day's push to each partner with a webhookUrl again, as a new message with a new `webhook-id` (a receiver that drops the ids it has seen still reads the corrected day).",
    security: bearer,
    request: { body: jsonBody(rebuildSchema) },
    responses: { 200: jsonOk(rebuildResultSchema, 'What was rebuilt and queued.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const { partners, deliveries } = await rebuildDay(c.env, body);
    return c.json(
      {
        date: body.date,
        partners: partners.map((p) => p.id),
        deliveries: deliveries.map((d) => ({ id: d.id, partnerId: d.partnerId, status: d.status })),
      },
      200,
    );
  },
);
