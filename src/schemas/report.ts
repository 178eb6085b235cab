// Report resources (daily figures, breakdowns, time to conversion, unknown slugs, partner reports): validation, types and OpenAPI.
import { z } from '@hono/zod-openapi';
import { BREAKDOWN_DIMENSIONS } from '../domain/aggregation';
import { DISCREPANCY_KINDS } from '../domain/report-diff';
import { isoDate } from './common';

const formatField = z
  .enum(['json', 'csv'])
  .default('json')
  .openapi({ description: '`csv` answers `text/csv` (one header line, RFC 4180 quoting).' });

const rangeFields = {
  partnerId: z.string().optional(),
  from: isoDate
    .optional()
    .openapi({ description: 'First day (of `REPORT_TIMEZONE`), included. Default: 29 days before `to`.' }),
  to: isoDate.optional().openapi({ description: 'Last day (of `REPORT_TIMEZONE`), included. Default: yesterday.' }),
  format: formatField,
};

export const dailyReportQuery = z
  .object({
    ...rangeFields,
    linkId: z.string().optional().openapi({ description: "One link's figures instead of the partner totals." }),
    by: z
      .enum(['partner', 'link'])
      .default('partner')
      .openapi({ description: '`link`: one row per link and day instead of the partner totals.' }),
  })
  .openapi('DailyReportQuery');

export const breakdownQuery = z
  .object({
    ...rangeFields,
    dimension: z.enum(BREAKDOWN_DIMENSIONS).openapi({
      description: '`source` is the utm_source of the click, else its referrer host; sub1..sub5 are the app sub-ids.',
    }),
  })
  .openapi('BreakdownQuery');

export const timeToConversionQuery = z.object(rangeFields).openapi('TimeToConversionQuery');

export const orphanReportQuery = z
  .object({
    from: isoDate
      .optional()
      .openapi({ description: 'First day (of `REPORT_TIMEZONE`), included. Default: 29 days before `to`.' }),
    to: isoDate.optional().openapi({ description: 'Last day (of `REPORT_TIMEZONE`), included. Default: today.' }),
  })
  .openapi('OrphanReportQuery');

const money = z.number().openapi({ description: 'Major units, two decimals.', example: 10.44 });

const figures = {
  clicks: z.number().int().openapi({ description: 'Human clicks (bots excluded).' }),
  uniqueClicks: z.number().int(),
  botClicks: z.number().int(),
  conversions: z.number().int().openapi({ description: 'Pending and approved conversions of the day.' }),
  revenue: money.openapi({ description: 'Amounts of pending and approved conversions less what is refunded of them.' }),
  commission: money.openapi({ description: 'What they earn after refunds.' }),
  currency: z.string().openapi({ example: 'EUR' }),
  conversionRate: z.number().openapi({ description: 'conversions / clicks, four decimals.' }),
  epc: z.number().openapi({ description: 'Earnings (commission) per click, major units, four decimals.' }),
};

/** Refunds as figures of their own, beside revenue and commission, which are net of them. */
const refundFigures = {
  refunded: money.openapi({
    description: 'Refunded of the conversions of the day (pending, approved and reversed ones), in `currency`.',
  }),
  commissionReversed: money.openapi({
    description: 'Commission those conversions gave back through refunds and reversals.',
  }),
  unconvertedConversions: z.number().int().openapi({
    description:
      'Conversions in another currency still waiting for their exchange rate: counted, left out of the money.',
  }),
};

export const dailyRowSchema = z
  .object({
    date: z.string().openapi({ description: 'A day of `REPORT_TIMEZONE` (UTC by default).', example: '2026-11-24' }),
    partnerId: z.string(),
    linkId: z.string().nullable().openapi({ description: 'Null on partner totals.' }),
    slug: z.string().nullable(),
    ...figures,
    leads: z.number().int(),
    addToCarts: z.number().int(),
    sales: z.number().int(),
    medianTimeToConversionMs: z.number().int().nullable(),
    computedAt: z.string(),
    ...refundFigures,
  })
  .openapi('DailyReportRow');

export const breakdownRowSchema = z
  .object({
    partnerId: z.string(),
    dimension: z.enum(BREAKDOWN_DIMENSIONS),
    value: z
      .string()
      .openapi({ description: '`(none)` when clicks lack it; `(unattributed)` for conversions without a click.' }),
    ...figures,
  })
  .openapi('BreakdownRow');

export const timeToConversionRowSchema = z
  .object({
    bucket: z.string().openapi({ example: '1-10m' }),
    minMs: z.number().int(),
    maxMs: z.number().int().nullable().openapi({ description: 'Excluded; null for the open last bucket.' }),
    conversions: z.number().int(),
    share: z.number().openapi({ description: 'Of all conversions with a click, four decimals.' }),
  })
  .openapi('TimeToConversionRow');

export const orphanRowSchema = z
  .object({
    date: z.string().openapi({ description: 'A day of `REPORT_TIMEZONE` (UTC by default).', example: '2026-11-24' }),
    path: z.string().openapi({
      description:
        'The path asked, `/` and the slug as typed (slugs are case-sensitive), at most 65 characters; `(other)` for the paths of a day past its first 1,000.',
      example: '/autodoc-frein',
    }),
    hits: z.number().int().openapi({ description: 'Requests from people.' }),
    botHits: z.number().int().openapi({ description: 'Requests from bots, previews and scripts.' }),
  })
  .openapi('OrphanReportRow');

const reportList = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ data: z.array(item), nextCursor: z.null() }).openapi(name);

export const dailyReportSchema = reportList(dailyRowSchema, 'DailyReport');
export const breakdownReportSchema = reportList(breakdownRowSchema, 'BreakdownReport');
export const timeToConversionReportSchema = reportList(timeToConversionRowSchema, 'TimeToConversionReport');
export const orphanReportSchema = z.object({ data: z.array(orphanRowSchema) }).openapi('OrphanReport');

export const rebuildSchema = z
  .object({
    date: isoDate.openapi({ description: 'A day of `REPORT_TIMEZONE`, today at the latest.' }),
    partnerId: z.string().min(1).optional().openapi({ description: 'Default: every partner.' }),
    push: z
      .boolean()
      .optional()
      .openapi({ description: "Queue the day's push again, as a new message (new `webhook-id`)." }),
  })
  .strict()
  .openapi('RebuildRequest');

export const rebuildResultSchema = z
  .object({
    date: z.string(),
    partners: z.array(z.string()),
    deliveries: z.array(z.object({ id: z.string(), partnerId: z.string(), status: z.string() })),
  })
  .openapi('RebuildResult');

const side = z.record(z.string(), z.unknown()).nullable();

export const discrepancySchema = z
  .object({
    id: z.string(),
    kind: z.enum(DISCREPANCY_KINDS).openapi({
      description:
        '`missing_here`: in their report, not ours; `missing_there`: ours (pending or approved, in the period), not theirs.',
    }),
    transactionId: z.string(),
    ours: side,
    theirs: side,
  })
  .openapi('ReportDiscrepancy');

export const partnerReportSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    rows: z.number().int(),
    summary: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi('PartnerReport');

export const partnerReportWithDiscrepanciesSchema = partnerReportSchema
  .extend({ discrepancies: z.array(discrepancySchema) })
  .openapi('PartnerReportWithDiscrepancies');

export const partnerReportUploadQuery = z.object({
  from: isoDate
    .optional()
    .openapi({ description: 'First day (of `REPORT_TIMEZONE`) the report covers. Default: its earliest date.' }),
  to: isoDate
    .optional()
    .openapi({ description: 'Last day (of `REPORT_TIMEZONE`) the report covers. Default: its latest date.' }),
});

export type DailyReportQuery = z.infer<typeof dailyReportQuery>;
