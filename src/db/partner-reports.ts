// Partners' own conversion reports and the discrepancies found against ours.
import { and, desc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { type PageOptions, pageWhere } from './paging';
import { conversions, partnerReports, reportDiscrepancies } from './schema';

export type PartnerReport = typeof partnerReports.$inferSelect;
export type ReportDiscrepancy = typeof reportDiscrepancies.$inferSelect;
export type NewReportDiscrepancy = typeof reportDiscrepancies.$inferInsert;

const ourColumns = {
  id: conversions.id,
  transactionId: conversions.transactionId,
  event: conversions.event,
  status: conversions.status,
  amountMinor: conversions.amountMinor,
  currency: conversions.currency,
  occurredAt: conversions.occurredAt,
};

/**
 * The partner's conversions a report may speak of: those with the report's transaction ids,
 * and those that occurred within `period` (the ones the report should list).
 */
export async function conversionsForReport(
  db: Db,
  partnerId: string,
  transactionIds: string[],
  period: { startMs: number; endMs: number } | null,
) {
  const byIds = (ids: string[]) =>
    db
      .select(ourColumns)
      .from(conversions)
      .where(
        and(
          eq(conversions.partnerId, partnerId),
          // One bound JSON array instead of one value per id: D1 binds at most 100 values a statement.
          sql`${conversions.transactionId} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
        ),
      )
      .all();
  const found = new Map<string, Awaited<ReturnType<typeof byIds>>[number]>();
  const unique = [...new Set(transactionIds)];
  for (let i = 0; i < unique.length; i += 5_000) {
    for (const row of await byIds(unique.slice(i, i + 5_000))) found.set(row.id, row);
  }
  if (period) {
    const inPeriod = await db
      .select(ourColumns)
      .from(conversions)
      .where(
        and(
          eq(conversions.partnerId, partnerId),
          gte(conversions.occurredAt, new Date(period.startMs)),
          lt(conversions.occurredAt, new Date(period.endMs)),
        ),
      )
      .all();
    for (const row of inPeriod) found.set(row.id, row);
  }
  return [...found.values()];
}

/** Stores a report and its discrepancies in one transaction. */
export async function insertReport(db: Db, report: typeof partnerReports.$inferInsert, found: NewReportDiscrepancy[]) {
  // Eight columns a row: twelve rows stay under D1's 100 bound values per statement.
  const chunks = [];
  for (let i = 0; i < found.length; i += 12) chunks.push(found.slice(i, i + 12));
  await db.batch([
    db.insert(partnerReports).values(report),
    ...chunks.map((rows) => db.insert(reportDiscrepancies).values(rows)),
  ]);
}

export async function getReport(db: Db, id: string): Promise<PartnerReport | undefined> {
  return db.select().from(partnerReports).where(eq(partnerReports.id, id)).get();
}

/**
 * A report's discrepancies in the order found (of one kind when asked): all of them, or with
 * `page` the `limit + 1` found after the id `after` (the extra one tells whether more follow).
 */
export async function discrepanciesOf(
  db: Db,
  reportId: string,
  kind?: string,
  page?: { limit: number; after?: string },
): Promise<ReportDiscrepancy[]> {
  const query = db
    .select()
    .from(reportDiscrepancies)
    .where(
      and(
        eq(reportDiscrepancies.reportId, reportId),
        kind ? eq(reportDiscrepancies.kind, kind) : undefined,
        page?.after ? gt(reportDiscrepancies.id, page.after) : undefined,
      ),
    )
    .orderBy(reportDiscrepancies.id);
  return page ? query.limit(page.limit + 1).all() : query.all();
}

export async function listReports(db: Db, opts: PageOptions) {
  return db
    .select()
    .from(partnerReports)
    .where(pageWhere(partnerReports.id, partnerReports.partnerId, opts))
    .orderBy(desc(partnerReports.id))
    .limit(opts.limit + 1)
    .all();
}
