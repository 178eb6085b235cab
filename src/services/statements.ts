// Monthly statements' use cases: making a month's statements, reading them within reach, marking one paid.
import { dbOf } from '../db/client';
import { getPartner, PARTNER_PAGE, partnersAfter } from '../db/partners';
import type { Partner, Statement, StatementLine } from '../db/schema';
import {
  type CandidateRow,
  getStatement,
  issueStatement,
  type LineToIssue,
  linesOf,
  listStatements,
  markStatedAtZero,
  markStatementPaid,
  statementCandidates,
  statementOfMonth,
} from '../db/statements';
import { dayStartIn, isCalendarDate, monthIn, monthRangeIn, timeZoneOf } from '../domain/calendar';
import {
  issuerOf,
  newStatementId,
  newStatementLineId,
  paymentTermsMs,
  type StatementFilter,
  statementLineFor,
  vatRateBpOf,
} from '../domain/statements';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { AppError, invalidRequest, notFound } from '../http/errors';

/** A statement of the month, and whether this call issued it (false: it was there already). */
export type MadeStatement = { statement: Statement; made: boolean };

/**
 * Makes the statements of `month` (`YYYY-MM` in the programme's zone), for one partner or every
 * one, and answers each partner's statement of the month. Idempotent: a partner's statement is
 * made once, and a partner with nothing to state gets none. The month must be over (400).
 */
export async function runStatements(
  env: Env,
  input: { month: string; partnerId?: string },
  nowMs = Date.now(),
): Promise<MadeStatement[]> {
  const zone = timeZoneOf(env.REPORT_TIMEZONE);
  const range = monthRangeIn(input.month, zone);
  if (nowMs < range.endMs) {
    const message = `${input.month} is not over yet in ${zone}: its statements can be made from ${new Date(range.endMs).toISOString()}.`;
    throw invalidRequest(message, [{ path: ['month'], message, code: 'custom' }]);
  }
  const db = dbOf(env);
  if (input.partnerId) {
    // A deleted partner still owes what it earned before (and is owed what is taken back).
    const partner = await getPartner(db, input.partnerId, { withDeleted: true });
    if (!partner) throw notFound('partner');
    const made = await makeStatement(env, partner, input.month, nowMs);
    return made ? [made] : [];
  }
  const all: MadeStatement[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await partnersAfter(db, after, PARTNER_PAGE, { withDeleted: true });
    for (const partner of page) {
      const made = await makeStatement(env, partner, input.month, nowMs);
      if (made) all.push(made);
      after = partner.id;
    }
    if (page.length < PARTNER_PAGE) break;
  }
  return all;
}

/**
 * Makes `partner`'s statement of `month`, over by `nowMs`, unless it has one: the month's
 * approved conversions, earlier ones approved or converted since, and corrections of conversions
 * already stated (see `statementLineFor`), in the partner's reporting currency, with VAT at its
 * rate or the programme's. Null when there is nothing to state. Safe to call from several places
 * at once: a conversion is stated once, and numbers stay without gaps (`issueStatement`).
 */
export async function makeStatement(
  env: Env,
  partner: Partner,
  month: string,
  nowMs: number,
): Promise<MadeStatement | null> {
  const db = dbOf(env);
  const existing = await statementOfMonth(db, partner.id, month);
  if (existing) return { statement: existing, made: false };
  const zone = timeZoneOf(env.REPORT_TIMEZONE);
  const range = monthRangeIn(month, zone);
  const candidates = await statementCandidates(db, {
    partnerId: partner.id,
    currency: partner.currency,
    endMs: range.endMs,
  });
  const lines = linesToIssue(candidates, range, nowMs);
  await markStatedAtZero(
    env.DB,
    candidates
      .filter((c) => c.statedCommissionMinor === null && c.status === 'approved' && c.reportingCommissionMinor === 0)
      .map((c) => c.id),
  );
  if (lines.length === 0) return null;
  const id = newStatementId(nowMs);
  await issueStatement(env.DB, {
    id,
    partnerId: partner.id,
    month,
    currency: partner.currency,
    year: Number(monthIn(nowMs, zone).slice(0, 4)),
    issuedAtMs: nowMs,
    paymentTermsMs: paymentTermsMs(partner.paymentTermsDays),
    vatRateBp: vatRateBpOf(partner.vatRateBp, env.VAT_RATE),
    billedTo: {
      name: partner.name,
      legalName: partner.legalName,
      address: partner.address,
      vatNumber: partner.vatNumber,
    },
    issuedBy: issuerOf(env),
    lines,
  });
  // Another run may have issued the month first, or stated every conversion this one meant to.
  const statement = await statementOfMonth(db, partner.id, month);
  return statement ? { statement, made: statement.id === id } : null;
}

/** Statements newest first within the caller's reach, `limit + 1` of them. */
export async function listVisibleStatements(
  env: Env,
  scope: CallerScope,
  q: { limit: number; before?: string; partnerId?: string; month?: string; status?: StatementFilter },
  nowMs = Date.now(),
): Promise<Statement[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listStatements(dbOf(env), { ...q, partnerId: filter.partnerId, nowMs });
}

/** A statement and its lines, when within the caller's reach (else 404, as if it did not exist). */
export async function visibleStatement(
  env: Env,
  scope: CallerScope,
  id: string,
): Promise<{ statement: Statement; lines: StatementLine[] }> {
  const db = dbOf(env);
  const statement = await getStatement(db, id);
  if (!statement || !canSee(scope, statement.partnerId)) throw notFound('statement');
  return { statement, lines: await linesOf(db, id) };
}

/**
 * Records that a statement was paid at `paidAt` (an ISO time, or a date meaning its start in the
 * programme's zone), which may not be in the future (400). Marking it again with the same time
 * changes nothing; with another, 409 `already_paid`.
 */
export async function markPaid(env: Env, id: string, paidAt: string, nowMs = Date.now()): Promise<Statement> {
  const paidAtMs = isCalendarDate(paidAt) ? dayStartIn(paidAt, timeZoneOf(env.REPORT_TIMEZONE)) : Date.parse(paidAt);
  if (paidAtMs > nowMs) {
    const message = 'paidAt is in the future: a statement is marked paid once the payment is received.';
    throw invalidRequest(message, [{ path: ['paidAt'], message, code: 'custom' }]);
  }
  const db = dbOf(env);
  const current = await getStatement(db, id);
  if (!current) throw notFound('statement');
  const statement = current.status === 'paid' ? current : await markStatementPaid(db, id, new Date(paidAtMs));
  if (!statement) throw notFound('statement');
  if (statement.paidAt?.getTime() !== paidAtMs) {
    throw new AppError(409, 'already_paid', `Statement ${statement.number} was already marked paid at another time.`, {
      paidAt: statement.paidAt?.toISOString() ?? null,
    });
  }
  return statement;
}

/**
 * The lines a statement of the month `range` would write for the conversions read, each with
 * what it was read as (stated commission, commission, status): it is written only while they hold.
 */
export function linesToIssue(
  candidates: readonly CandidateRow[],
  range: { startMs: number; endMs: number },
  nowMs = Date.now(),
): LineToIssue[] {
  return candidates.flatMap((c) => {
    const line = statementLineFor(c, range);
    return line
      ? [
          {
            id: newStatementLineId(nowMs),
            conversionId: c.id,
            ...line,
            statedBefore: c.statedCommissionMinor,
            commissionBefore: c.reportingCommissionMinor,
            statusBefore: c.status,
          },
        ]
      : [];
  });
}
