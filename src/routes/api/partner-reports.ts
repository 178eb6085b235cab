// /api/v1/partners/:id/reports and /api/v1/partner-reports: a partner's own report (CSV) compared with our conversions.

import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { PartnerReport, ReportDiscrepancy } from '../../db/partner-reports';
import { minorToMajor } from '../../domain/money';
import { DISCREPANCY_KINDS } from '../../domain/report-diff';
import { requireAdmin, scopeOf } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { csvResponse } from '../../http/csv-response';
import { AppError } from '../../http/errors';
import { page, pageRequest } from '../../http/pagination';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { partnerFilterQuery } from '../../schemas/link';
import {
  partnerReportSchema,
  partnerReportUploadQuery,
  partnerReportWithDiscrepanciesSchema,
} from '../../schemas/report';
import {
  comparePartnerReport,
  listVisiblePartnerReports,
  MAX_REPORT_BYTES,
  visiblePartnerReport,
} from '../../services/partner-reports';

export const partnerReportsApi = router();

const CSV_COLUMNS = [
  'kind',
  'transactionId',
  'ourConversionId',
  'ourEvent',
  'ourStatus',
  'ourAmount',
  'ourCurrency',
  'theirLine',
  'theirEvent',
  'theirStatus',
  'theirRawStatus',
  'theirAmount',
  'theirCurrency',
];

const presentReport = (r: PartnerReport) => ({
  id: r.id,
  partnerId: r.partnerId,
  rows: r.rows,
  summary: r.summary as Record<string, unknown>,
  createdAt: iso(r.createdAt) as string,
});

type Side = {
  amountMinor?: number | null;
  currency?: string;
  conversionId?: string;
  line?: number;
  event?: string | null;
  status?: string | null;
  rawStatus?: string | null;
};

function withMajor(side: unknown) {
  if (!side || typeof side !== 'object') return null;
  const s = side as Side;
  let amount: number | null = null;
  if (typeof s.amountMinor === 'number' && s.currency) {
    try {
      amount = minorToMajor(s.amountMinor, s.currency);
    } catch {
      amount = s.amountMinor / 100;
    }
  }
  const { amountMinor: _minor, ...rest } = s;
  return { ...rest, amount };
}

const presentDiscrepancy = (d: ReportDiscrepancy) => ({
  id: d.id,
  kind: d.kind as 'missing_here',
  transactionId: d.transactionId,
  ours: withMajor(d.ours),
  theirs: withMajor(d.theirs),
});

async function readCsvBody(c: Context<AppEnv>): Promise<string> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'text/csv' && type !== 'text/plain') {
    throw new AppError(415, 'unsupported_media_type', 'Send the report as text/csv.');
  }
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_REPORT_BYTES) throw new AppError(413, 'payload_too_large', 'A report is at most 5 MB.');
  const text = await c.req.text();
  if (text.length > MAX_REPORT_BYTES) throw new AppError(413, 'payload_too_large', 'A report is at most 5 MB.');
  return text;
}

partnerReportsApi.openapi(
  createRoute({
    method: 'post',
    path: '/partners/{id}/reports',
    tags: ['Partner reports'],
    summary: "Compare a partner's own conversion report with ours",
    description:
      "The CSV (`,` or `;`, quotes per RFC 4180, BOM allowed) is read through the partner's `reportColumns` (canonical name -> their column: transactionId, amount, currency, status, event, occurredAt) and `statusMap`. Lists their rows we lack (`missing_here`), our pending or approved conversions of the period they lack (`missing_there`, the period being `from`..`to` or the span of their dates), and every amount or status mismatch.",
    security: bearer,
    request: {
      params: idParam,
      query: partnerReportUploadQuery,
      body: { required: true, content: { 'text/csv': { schema: z.string() } } },
    },
    responses: {
      201: jsonOk(partnerReportWithDiscrepanciesSchema, 'The stored comparison.'),
      ...errorResponses,
      413: { description: 'Over 5 MB.', content: errorResponses[400].content },
      415: { description: 'Not text/csv.', content: errorResponses[400].content },
    },
  }),
  async (c) => {
    requireAdmin(c);
    const { report, discrepancies } = await comparePartnerReport(
      c.env,
      c.req.valid('param').id,
      c.req.valid('query'),
      () => readCsvBody(c),
    );
    return c.json({ ...presentReport(report), discrepancies: discrepancies.map(presentDiscrepancy) }, 201);
  },
);

partnerReportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/partner-reports',
    tags: ['Partner reports'],
    summary: 'List uploaded partner reports',
    security: bearer,
    request: { query: paginationQuery.merge(partnerFilterQuery) },
    responses: { 200: jsonOk(listOf(partnerReportSchema, 'PartnerReportList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisiblePartnerReports(c.env, scopeOf(c), pageRequest(q));
    return c.json(page(rows, q.limit, presentReport), 200);
  },
);

partnerReportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/partner-reports/{id}',
    tags: ['Partner reports'],
    summary: 'Get a partner report with its discrepancies',
    security: bearer,
    request: {
      params: idParam,
      query: z.object({
        kind: z.enum(DISCREPANCY_KINDS).optional(),
        format: z
          .enum(['json', 'csv'])
          .default('json')
          .openapi({ description: '`csv`: the discrepancies alone, one a line, as `text/csv`.' }),
      }),
    },
    responses: {
      200: {
        description: 'The report.',
        content: {
          ...jsonOk(partnerReportWithDiscrepanciesSchema, '').content,
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const { report, discrepancies } = await visiblePartnerReport(c.env, scopeOf(c), c.req.valid('param').id, q.kind);
    const found = discrepancies.map(presentDiscrepancy);
    if (q.format === 'csv') {
      const rows = found.map((d) => ({
        kind: d.kind,
        transactionId: d.transactionId,
        ourConversionId: d.ours?.conversionId,
        ourEvent: d.ours?.event,
        ourStatus: d.ours?.status,
        ourAmount: d.ours?.amount,
        ourCurrency: d.ours?.currency,
        theirLine: d.theirs?.line,
        theirEvent: d.theirs?.event,
        theirStatus: d.theirs?.status,
        theirRawStatus: d.theirs?.rawStatus,
        theirAmount: d.theirs?.amount,
        theirCurrency: d.theirs?.currency,
      }));
      return csvResponse(`partner-report-${report.id}.csv`, CSV_COLUMNS, rows);
    }
    return c.json({ ...presentReport(report), discrepancies: found }, 200);
  },
);
