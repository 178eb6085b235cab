// Statement queries: the conversions a statement may take, issuing one in a single batch, reading and paying them.
import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import type { StatementFilter, StatementLineKind } from '../domain/statements';
import type { Db } from './client';
import { type PageOptions, pageWhere } from './paging';
import {
  awaitingStatement,
  conversions,
  type Statement,
  type StatementLine,
  statementLines,
  statements,
} from './schema';

/** A conversion as the statement of its partner's month reads it. */
export type CandidateRow = {
  id: string;
  status: 'pending' | 'approved' | 'rejected' | 'reversed';
  occurredAtMs: number;
  reportingCommissionMinor: number | null;
  statedCommissionMinor: number | null;
};

/**
 * The partner's conversions in `currency` that occurred before `endMs` and may need a line: never
 * stated and approved with a reporting figure, or stated and earning something else now. A
 * superset: which line each gets, if any, is `statementLineFor`'s call.
 */
export async function statementCandidates(
  db: Db,
  q: { partnerId: string; currency: string; endMs: number },
): Promise<CandidateRow[]> {
  const rows = await statementCandidatesQuery(db, q).all();
  return rows.map(({ occurredAt, ...r }) => ({ ...r, occurredAtMs: occurredAt.getTime() }));
}

/** The query of `statementCandidates`: through `conversions_to_state_idx`, which holds only such conversions. */
export function statementCandidatesQuery(db: Db, q: { partnerId: string; currency: string; endMs: number }) {
  const c = conversions;
  return db
    .select({
      id: c.id,
      status: c.status,
      occurredAt: c.occurredAt,
      reportingCommissionMinor: c.reportingCommissionMinor,
      statedCommissionMinor: c.statedCommissionMinor,
    })
    .from(c)
    .where(
      and(
        eq(c.partnerId, q.partnerId),
        lt(c.occurredAt, new Date(q.endMs)),
        eq(c.reportingCurrency, q.currency),
        awaitingStatement(c),
      ),
    )
    .orderBy(asc(c.occurredAt), asc(c.id));
}

/**
 * Records as stated at 0, without a line, approved conversions that earn nothing and were never
 * stated: they owe nothing, and left unstated they would stay among the conversions every later
 * run reads (`conversions_to_state_idx`). Only while they are still as read.
 */
export async function markStatedAtZero(d1: D1Database, conversionIds: readonly string[]): Promise<void> {
  if (conversionIds.length === 0) return;
  await d1
    .prepare(
      `UPDATE conversions SET stated_commission_minor = 0
       WHERE id IN (SELECT value FROM json_each(?1)) AND stated_commission_minor IS NULL
         AND status = 'approved' AND reporting_commission_minor = 0`,
    )
    .bind(JSON.stringify(conversionIds))
    .run();
}

/** A line to write: `statedBefore` is what the conversion had stated when it was read. */
export type LineToIssue = {
  id: string;
  conversionId: string;
  kind: StatementLineKind;
  commissionMinor: number;
  statedBefore: number | null;
  /** The conversion's reporting commission and status when it was read: the line is for them. */
  commissionBefore: number | null;
  statusBefore: string;
};

/** Everything a statement is issued with but its number and totals, which the batch works out. */
export type StatementToIssue = {
  id: string;
  partnerId: string;
  month: string;
  currency: string;
  /** The year of issue, in the programme's zone: whose sequence numbers it. */
  year: number;
  issuedAtMs: number;
  paymentTermsMs: number;
  vatRateBp: number;
  billedTo: Record<string, string | null>;
  issuedBy: Record<string, string | null>;
  lines: LineToIssue[];
};

// JSON bound as one parameter per chunk: D1 allows 100 parameters per statement but strings of
// 2 MB, and a line takes about 150 bytes.
const LINES_PER_STATEMENT = 2_000;

/**
 * Issues a statement in one D1 batch (a transaction), or nothing when the partner already has
 * one for the month or none of its lines may still be written. Each line is written only while its
 * conversion's stated commission is still the one read, so that runs at the same time never state
 * a conversion twice, and only while its commission and status are still those read, so that a
 * refund or reversal landing meanwhile is never billed at the figure before it; each conversion then records what its line stated. The year's counter is
 * moved, the number given and the totals summed from the lines actually written, in the same
 * transaction: numbers have no gap and totals always equal their lines. The issue time is never
 * before the previous number's, so that numbers follow issue times. Answers whether it was issued.
 */
export async function issueStatement(d1: D1Database, s: StatementToIssue): Promise<boolean> {
  // ?1 statement, ?2 partner, ?3 month, ?4 year.
  const noStatementYet = 'NOT EXISTS (SELECT 1 FROM statements WHERE partner_id = ?2 AND month = ?3)';
  const hasLines = 'EXISTS (SELECT 1 FROM statement_lines WHERE statement_id = ?1)';
  const lineInserts: D1PreparedStatement[] = [];
  for (let i = 0; i < s.lines.length; i += LINES_PER_STATEMENT) {
    const chunk = s.lines.slice(i, i + LINES_PER_STATEMENT);
    lineInserts.push(
      d1
        .prepare(
          `INSERT INTO statement_lines
             (id, statement_id, conversion_id, kind, transaction_id, occurred_at, amount_minor, commission_minor)
           SELECT j.value ->> '$.id', ?1, c.id, j.value ->> '$.kind', c.transaction_id, c.occurred_at,
             COALESCE(c.reporting_amount_minor - c.reporting_refunded_minor, 0), j.value ->> '$.commissionMinor'
           FROM json_each(?5) AS j JOIN conversions AS c ON c.id = j.value ->> '$.conversionId'
           WHERE c.partner_id = ?2 AND c.stated_commission_minor IS (j.value ->> '$.statedBefore')
             AND c.reporting_commission_minor IS (j.value ->> '$.commissionBefore')
             AND c.status = (j.value ->> '$.statusBefore') AND ${noStatementYet}`,
        )
        .bind(s.id, s.partnerId, s.month, s.year, JSON.stringify(chunk)),
    );
  }
  // Half away from zero in integer arithmetic, as `vatMinorOf`. D1 binds every JavaScript number as
  // a REAL, which would make the division a float one: the rate is cast back to an integer.
  const vat = (total: string) =>
    `CASE WHEN ${total} < 0 THEN -((-2 * ${total} * CAST(?5 AS INTEGER) + 10000) / 20000)
      ELSE (2 * ${total} * CAST(?5 AS INTEGER) + 10000) / 20000 END`;
  await d1.batch([
    d1.prepare('INSERT INTO statement_numbers (year, last) VALUES (?1, 0) ON CONFLICT (year) DO NOTHING').bind(s.year),
    ...lineInserts,
    d1
      .prepare(
        `UPDATE conversions
         SET stated_commission_minor = COALESCE(conversions.stated_commission_minor, 0) + l.commission_minor,
           statement_id = l.statement_id
         FROM statement_lines AS l
         WHERE l.statement_id = ?1 AND l.conversion_id = conversions.id`,
      )
      .bind(s.id),
    d1
      .prepare(`UPDATE statement_numbers SET last = last + 1 WHERE year = ?4 AND ${hasLines} AND ${noStatementYet}`)
      .bind(s.id, s.partnerId, s.month, s.year),
    d1
      .prepare(
        `INSERT INTO statements (id, number, partner_id, month, currency, commission_minor, adjustments_minor,
           total_excl_vat_minor, vat_rate_bp, vat_minor, total_incl_vat_minor, status, issued_at, due_at, paid_at,
           billed_to, issued_by, created_at)
         SELECT ?1, printf('REL-%04d-%04d', n.year, n.last), ?2, ?3, ?6, t.commission, t.adjustments,
           t.total, ?5, t.vat, t.total + t.vat, 'issued', t.issued_at, t.issued_at + CAST(?8 AS INTEGER), NULL, ?9, ?10,
           CAST(?7 AS INTEGER)
         FROM statement_numbers AS n, (
           SELECT s.*, ${vat('s.total')} AS vat,
             MAX(CAST(?7 AS INTEGER), COALESCE((SELECT issued_at FROM statements
               WHERE number = (SELECT printf('REL-%04d-%04d', year, last - 1) FROM statement_numbers WHERE year = ?4)), 0))
               AS issued_at
           FROM (
             SELECT COALESCE(SUM(CASE WHEN kind = 'commission' THEN commission_minor END), 0) AS commission,
               COALESCE(SUM(CASE WHEN kind <> 'commission' THEN commission_minor END), 0) AS adjustments,
               COALESCE(SUM(commission_minor), 0) AS total
             FROM statement_lines WHERE statement_id = ?1
           ) AS s
         ) AS t
         WHERE n.year = ?4 AND ${hasLines} AND ${noStatementYet}`,
      )
      .bind(
        s.id,
        s.partnerId,
        s.month,
        s.year,
        s.vatRateBp,
        s.currency,
        s.issuedAtMs,
        s.paymentTermsMs,
        JSON.stringify(s.billedTo),
        JSON.stringify(s.issuedBy),
      ),
  ]);
  return Boolean(await d1.prepare('SELECT 1 FROM statements WHERE id = ?1').bind(s.id).first());
}

export async function getStatement(db: Db, id: string): Promise<Statement | undefined> {
  return db.select().from(statements).where(eq(statements.id, id)).get();
}

/** A partner's statement of `month`, if it has one. */
export async function statementOfMonth(db: Db, partnerId: string, month: string): Promise<Statement | undefined> {
  return db
    .select()
    .from(statements)
    .where(and(eq(statements.partnerId, partnerId), eq(statements.month, month)))
    .get();
}

/** Statements newest first, `limit + 1` of them, by partner, month and status (`overdue`: issued, past due at `nowMs`). */
export async function listStatements(
  db: Db,
  opts: PageOptions & { month?: string; status?: StatementFilter; nowMs: number },
): Promise<Statement[]> {
  const s = statements;
  const byStatus =
    opts.status === 'overdue'
      ? and(eq(s.status, 'issued'), lt(s.dueAt, new Date(opts.nowMs)))
      : opts.status
        ? eq(s.status, opts.status)
        : undefined;
  return db
    .select()
    .from(s)
    .where(pageWhere(s.id, s.partnerId, opts, opts.month ? eq(s.month, opts.month) : undefined, byStatus))
    .orderBy(desc(s.id))
    .limit(opts.limit + 1)
    .all();
}

const KIND_ORDER = sql`CASE ${statementLines.kind} WHEN 'commission' THEN 0 WHEN 'late' THEN 1 ELSE 2 END`;

/** The lines of a statement: the month's commissions, then late ones, then adjustments, each oldest first. */
export async function linesOf(db: Db, statementId: string): Promise<StatementLine[]> {
  return db
    .select()
    .from(statementLines)
    .where(eq(statementLines.statementId, statementId))
    .orderBy(KIND_ORDER, asc(statementLines.occurredAt), asc(statementLines.id))
    .all();
}

/** Marks an issued statement paid at `paidAt`; a paid one is left as it is. Answers the statement as it then is. */
export async function markStatementPaid(db: Db, id: string, paidAt: Date): Promise<Statement | undefined> {
  await db
    .update(statements)
    .set({ status: 'paid', paidAt })
    .where(and(eq(statements.id, id), eq(statements.status, 'issued')))
    .run();
  return getStatement(db, id);
}
