// /api/v1/partners/:id/reports and /api/v1/partner-reports: a partner's own report (CSV) compared with our conversions.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import {
  conversionsForReport,
  discrepanciesOf,
  getReport,
  insertReport,
  listReports,
  type PartnerReport,
  type ReportDiscrepancy,
} from '../../db/partner-reports';
import { getPartner } from '../../db/partners';
import { utcDateOf, utcDayRange } from '../../domain/aggregation';
import { CsvError, parseCsv } from '../../domain/csv';
import { newId } from '../../domain/ids';
import { minorToMajor } from '../../domain/money';
import { diffReport, ReportShapeError, readReport } from '../../domain/report-diff';
import { assertVisible, requireAdmin } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { csvResponse } from '../../http/csv-response';
import { AppError, invalidRequest, notFound } from '../../http/errors';
import { page, scopedPage } from '../../http/pagination';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { partnerFilterQuery } from '../../schemas/link';
import {
  partnerReportSchema,
  partnerReportUploadQuery,
  partnerReportWithDiscrepanciesSchema,
} from '../../schemas/report';

export const partnerReportsApi = router();

/** Largest report accepted: a few years of a partner's conversions. */
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;
/** Row issues kept in the summary; the count is always exact. */
const MAX_ISSUES_KEPT = 100;

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
    const db = dbOf(c.env);
    const partner = await getPartner(db, c.req.valid('param').id);
    if (!partner) throw notFound('partner');
    const q = c.req.valid('query');
    const text = await readCsvBody(c);
    let read: ReturnType<typeof readReport>;
    try {
      read = readReport(parseCsv(text).rows, {
        columns: partner.reportColumns,
        statusMap: partner.statusMap,
        defaultCurrency: partner.currency,
        amountsInMinorUnits: partner.amountsInMinorUnits,
      });
    } catch (err) {
      if (err instanceof CsvError) throw invalidRequest(`The CSV cannot be read (line ${err.line}): ${err.message}`);
      if (err instanceof ReportShapeError) throw invalidRequest(err.message);
      throw err;
    }
    const dates = read.rows.flatMap((r) => (r.occurredAtMs === null ? [] : [utcDateOf(r.occurredAtMs)])).sort();
    const from = q.from ?? dates[0];
    const to = q.to ?? dates[dates.length - 1];
    if (from && to && from > to) throw invalidRequest('`from` must not be after `to`.');
    const period = from && to ? { startMs: utcDayRange(from).startMs, endMs: utcDayRange(to).endMs } : null;
    const ours = await conversionsForReport(
      db,
      partner.id,
      read.rows.map((r) => r.transactionId),
      period,
    );
    const { discrepancies, summary } = diffReport(
      ours.map((o) => ({ ...o, occurredAtMs: o.occurredAt.getTime() })),
      read.rows,
      period,
    );
    const now = new Date();
    const report = {
      id: newId('rpt', now.getTime()),
      partnerId: partner.id,
      rows: read.rows.length + read.issues.length,
      summary: {
        ...summary,
        invalidRows: read.issues.length,
        issues: read.issues.slice(0, MAX_ISSUES_KEPT),
        period: from && to ? { from, to } : null,
      },
      createdAt: now,
    };
    const rows = discrepancies.map((d, i) => ({
      // Ids in report order, so that listing them by id keeps the order found.
      id: `dsc_${report.id.slice(4)}_${String(i).padStart(6, '0')}`,
      reportId: report.id,
      partnerId: partner.id,
      kind: d.kind,
      transactionId: d.transactionId,
      ours: d.ours,
      theirs: d.theirs,
      createdAt: now,
    }));
    await insertReport(db, report, rows);
    return c.json({ ...presentReport(report), discrepancies: rows.map(presentDiscrepancy) }, 201);
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
    const rows = await listReports(dbOf(c.env), scopedPage(c, q));
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
        kind: z.enum(['missing_here', 'missing_there', 'amount_mismatch', 'status_mismatch']).optional(),
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
    const db = dbOf(c.env);
    const report = await getReport(db, c.req.valid('param').id);
    if (!report) throw notFound('partner report');
    assertVisible(c, report.partnerId, 'partner report');
    const q = c.req.valid('query');
    const found = (await discrepanciesOf(db, report.id, q.kind)).map(presentDiscrepancy);
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
