// Partners' own conversion reports: compared with our conversions, stored, read back within reach.
import { dbOf } from '../db/client';
import type { PageOptions } from '../db/paging';
import {
  conversionsForReport,
  discrepanciesOf,
  getReport,
  insertReport,
  listReports,
  type PartnerReport,
  type ReportDiscrepancy,
} from '../db/partner-reports';
import { getPartner } from '../db/partners';
import { timeZoneOf } from '../domain/calendar';
import { CsvError, parseCsv } from '../domain/csv';
import { reportRange } from '../domain/date-range';
import { newId } from '../domain/ids';
import {
  comparedPeriod,
  type DiffSummary,
  type DiscrepancyKind,
  diffReport,
  ReportShapeError,
  type RowIssue,
  readReport,
} from '../domain/report-diff';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';

/** Row issues kept in the summary; the count is always exact. */
const MAX_ISSUES_KEPT = 100;

/** Largest report accepted: a few years of a partner's conversions. */
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;

/** What a stored comparison says in sum: the counts of the diff, the rows that could not be read, the days covered. */
export type ReportSummary = DiffSummary & {
  invalidRows: number;
  /** The first `MAX_ISSUES_KEPT` rows that could not be read. */
  issues: RowIssue[];
  period: { from: string; to: string } | null;
};

/**
 * Reads a partner's CSV report through its `reportColumns` and `statusMap`, compares it with our
 * conversions over the days asked (else the span of its dates), days and zone-less times being
 * those of the programme's zone (`REPORT_TIMEZONE`), and stores the comparison. `readCsv` is
 * called once the partner is known, so that a report for no partner is never read.
 */
export async function comparePartnerReport(
  env: Env,
  partnerId: string,
  asked: { from?: string; to?: string },
  readCsv: () => Promise<string>,
): Promise<{ report: PartnerReport; discrepancies: ReportDiscrepancy[] }> {
  const db = dbOf(env);
  const timeZone = timeZoneOf(env.REPORT_TIMEZONE);
  const partner = await getPartner(db, partnerId);
  if (!partner) throw notFound('partner');
  const text = await readCsv();
  let read: ReturnType<typeof readReport>;
  try {
    read = readReport(parseCsv(text).rows, {
      columns: partner.reportColumns,
      statusMap: partner.statusMap,
      defaultCurrency: partner.currency,
      amountsInMinorUnits: partner.amountsInMinorUnits,
      timeZone,
    });
  } catch (err) {
    if (err instanceof CsvError) throw invalidRequest(`The CSV cannot be read (line ${err.line}): ${err.message}`);
    if (err instanceof ReportShapeError) throw invalidRequest(err.message);
    throw err;
  }
  const span = comparedPeriod(read.rows, asked, timeZone);
  if (span) {
    // Asked for, or the span of their dates: either way at most a year and a day of our conversions.
    const checked = reportRange(span, Date.now(), timeZone);
    if (!checked.ok) throw invalidRequest(checked.message, checked.details);
  }
  const period = span ? { startMs: span.startMs, endMs: span.endMs } : null;
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
  const stored: ReportSummary = {
    ...summary,
    invalidRows: read.issues.length,
    issues: read.issues.slice(0, MAX_ISSUES_KEPT),
    period: span ? { from: span.from, to: span.to } : null,
  };
  const report: PartnerReport = {
    id: newId('rpt', now.getTime()),
    partnerId: partner.id,
    rows: read.rows.length + read.issues.length,
    summary: stored,
    createdAt: now,
  };
  const rows: ReportDiscrepancy[] = discrepancies.map((d, i) => ({
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
  return { report, discrepancies: rows };
}

/**
 * `comparePartnerReport` on behalf of a caller: a partner's own people compare their partner's
 * reports only; another partner is, to them, a partner that does not exist (404).
 */
export async function compareVisiblePartnerReport(
  env: Env,
  scope: CallerScope,
  partnerId: string,
  asked: { from?: string; to?: string },
  readCsv: () => Promise<string>,
): Promise<{ report: PartnerReport; discrepancies: ReportDiscrepancy[] }> {
  if (!canSee(scope, partnerId)) throw notFound('partner');
  return comparePartnerReport(env, partnerId, asked, readCsv);
}

/** Partner reports newest first, `limit + 1` of them; a partner key lists only its own. */
export async function listVisiblePartnerReports(
  env: Env,
  scope: CallerScope,
  q: PageOptions,
): Promise<PartnerReport[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listReports(dbOf(env), { ...q, ...filter });
}

/**
 * A stored comparison with its discrepancies (of one kind when asked; with `page`, the `limit + 1`
 * after the id `after`, in the order found); 404 when not the caller's.
 */
export async function visiblePartnerReport(
  env: Env,
  scope: CallerScope,
  id: string,
  kind?: DiscrepancyKind,
  page?: { limit: number; after?: string },
): Promise<{ report: PartnerReport; discrepancies: ReportDiscrepancy[] }> {
  const db = dbOf(env);
  const report = await getReport(db, id);
  if (!report || !canSee(scope, report.partnerId)) throw notFound('partner report');
  return { report, discrepancies: await discrepanciesOf(db, report.id, kind, page) };
}
