// Monthly statements: what goes on which line, how they are numbered, VAT and the due date.
//
// A statement is a French invoice ("relevé de commissions"): once issued it never changes, its
// number follows a continuous chronological sequence per year with no gap, and a correction of
// an earlier month goes on the next statement as a line of its own.

import { newUlid } from './ids';
import { divideHalfUp } from './money';

/** An issued statement never changes but for being marked paid. */
export const STATEMENT_STATUSES = ['issued', 'paid'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

/** What a list of statements may be filtered by: a status, or those issued and past their due date. */
export const STATEMENT_FILTERS = [...STATEMENT_STATUSES, 'overdue'] as const;
export type StatementFilter = (typeof STATEMENT_FILTERS)[number];

/**
 * What a line of a statement is: the commission of a conversion of the month stated (`commission`),
 * of an earlier month's conversion approved after that month was stated (`late`), or commission
 * taken back from a conversion already stated (`adjustment`, negative).
 */
export const STATEMENT_LINE_KINDS = ['commission', 'late', 'adjustment'] as const;
export type StatementLineKind = (typeof STATEMENT_LINE_KINDS)[number];

/** Days to pay when a partner has no terms of its own. */
export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

/** The programme's VAT rate, in percent, when `VAT_RATE` is unset. */
export const DEFAULT_VAT_PERCENT = 20;

const DAY_MS = 86_400_000;

/**
 * A statement's number: `REL-YYYY-NNNN`, the year being the year of issue and NNNN its place in
 * that year's sequence (more digits past 9999).
 * @example statementNumber(2027, 1) // 'REL-2027-0001'
 */
export function statementNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || !Number.isInteger(sequence) || sequence < 1) {
    throw new RangeError(`not a statement number: ${year} ${sequence}`);
  }
  return `REL-${String(year).padStart(4, '0')}-${String(sequence).padStart(4, '0')}`;
}

/**
 * The year and place in the year of a statement number, or null when it is not one.
 * @example parseStatementNumber('REL-2027-0001') // { year: 2027, sequence: 1 }
 */
export function parseStatementNumber(number: string): { year: number; sequence: number } | null {
  const match = /^REL-(\d{4})-(\d{4,})$/.exec(number);
  if (!match) return null;
  const sequence = Number(match[2]);
  return sequence >= 1 ? { year: Number(match[1]), sequence } : null;
}

/**
 * The VAT rate of a partner's statements in basis points: its own when set, else the programme's
 * `VAT_RATE` (percent, up to two decimals; 20 when unset). Throws for a setting that is not a rate:
 * an invoice must never silently carry another rate.
 * @example vatRateBpOf(null, '5.5') // 550
 * @example vatRateBpOf(0, '20') // 0 (a partner billed without VAT, e.g. reverse charge)
 */
export function vatRateBpOf(partnerRateBp: number | null | undefined, programmePercent: string | undefined): number {
  if (partnerRateBp !== null && partnerRateBp !== undefined) {
    if (!Number.isInteger(partnerRateBp) || partnerRateBp < 0 || partnerRateBp > 10_000) {
      throw new RangeError(`not a VAT rate in basis points: ${partnerRateBp}`);
    }
    return partnerRateBp;
  }
  const text = programmePercent?.trim() || String(DEFAULT_VAT_PERCENT);
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text)) throw new RangeError(`VAT_RATE is not a percentage: ${text}`);
  const [units = '0', decimals = ''] = text.split('.');
  const bp = Number(units) * 100 + Number(decimals.padEnd(2, '0'));
  if (bp > 10_000) throw new RangeError(`VAT_RATE is over 100%: ${text}`);
  return bp;
}

/**
 * VAT on a statement's total before VAT, rounded once on the total, half away from zero (a total
 * that gives commission back carries negative VAT).
 * @example vatMinorOf(2_345, 2_000) // 469 (469.0)
 * @example vatMinorOf(2_348, 550) // 129 (129.14)
 * @example vatMinorOf(-250, 2_000) // -50
 */
export function vatMinorOf(totalExclVatMinor: number, rateBp: number): number {
  return Number(divideHalfUp(BigInt(totalExclVatMinor) * BigInt(rateBp), 10_000n));
}

/**
 * How long a partner has to pay, in milliseconds: `paymentTermsDays` days (30 when unset).
 * @example paymentTermsMs(30) // 2_592_000_000
 */
export function paymentTermsMs(paymentTermsDays: number | null | undefined): number {
  const days = paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS;
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`not payment terms: ${days}`);
  return days * DAY_MS;
}

/**
 * When a statement issued at `issuedAtMs` is due: `paymentTermsDays` days later (30 when unset).
 * @example dueAtOf(Date.parse('2026-11-01T00:00:00Z'), 30) // Date.parse('2026-12-01T00:00:00Z')
 */
export function dueAtOf(issuedAtMs: number, paymentTermsDays: number | null | undefined): number {
  return issuedAtMs + paymentTermsMs(paymentTermsDays);
}

/** Whether a statement is still unpaid after its due date. */
export function isOverdue(statement: { status: StatementStatus; dueAtMs: number }, nowMs: number): boolean {
  return statement.status === 'issued' && nowMs > statement.dueAtMs;
}

/** What a statement needs to know of a conversion of its partner to decide its line. */
export type StatementCandidate = {
  status: 'pending' | 'approved' | 'rejected' | 'reversed';
  occurredAtMs: number;
  /** The commission now, in the reporting currency; null while its exchange rate is missing. */
  reportingCommissionMinor: number | null;
  /** What was already put on statements; null when never stated. */
  statedCommissionMinor: number | null;
};

/** A line decided for a conversion: its kind and what it adds to the statement. */
export type PlannedLine = { kind: StatementLineKind; commissionMinor: number };

/**
 * The line a conversion gets on its partner's statement of the month spanning `month`
 * (`[startMs, endMs)` in the programme's zone), made now, or null when it gets none:
 * - never stated, approved, converted and earning something: its commission, as a `commission`
 *   line when it occurred in the month, a `late` one when it occurred before (approved after its
 *   own month was stated, or converted since); pending, rejected and unconverted conversions wait;
 * - already stated: the difference between what it earns now (nothing once rejected) and what
 *   was stated, as an `adjustment`, when there is one.
 * Conversions of later months wait for their own statement.
 * @example statementLineFor({ status: 'reversed', occurredAtMs: 0, reportingCommissionMinor: 0, statedCommissionMinor: 800 }, { startMs: 10, endMs: 20 }) // { kind: 'adjustment', commissionMinor: -800 }
 */
export function statementLineFor(c: StatementCandidate, month: { startMs: number; endMs: number }): PlannedLine | null {
  if (c.occurredAtMs >= month.endMs) return null;
  if (c.statedCommissionMinor === null) {
    if (c.status !== 'approved' || c.reportingCommissionMinor === null || c.reportingCommissionMinor === 0) return null;
    return {
      kind: c.occurredAtMs >= month.startMs ? 'commission' : 'late',
      commissionMinor: c.reportingCommissionMinor,
    };
  }
  const owed = earnedNow(c);
  if (owed === null || owed === c.statedCommissionMinor) return null;
  return { kind: 'adjustment', commissionMinor: owed - c.statedCommissionMinor };
}

/** What a stated conversion earns now; null when it cannot be told (no reporting figure). */
function earnedNow(c: StatementCandidate): number | null {
  if (c.status === 'rejected' || c.status === 'pending') return 0;
  return c.reportingCommissionMinor;
}

/** A new statement's id: time-ordered, so that lists are newest first by id. */
export const newStatementId = (nowMs?: number) => `stm_${newUlid(nowMs)}`;

/** A new statement line's id. */
export const newStatementLineId = (nowMs?: number) => `stl_${newUlid(nowMs)}`;

/** The programme's own legal identity, printed on its statements as the seller's. */
export type Issuer = {
  name: string | null;
  address: string | null;
  vatNumber: string | null;
  registration: string | null;
};

/**
 * The issuer from its settings (`ISSUER_NAME`, `ISSUER_ADDRESS`, `ISSUER_VAT_NUMBER`,
 * `ISSUER_REGISTRATION`), each null when unset or blank.
 * @example issuerOf({ ISSUER_NAME: 'Assistant Auto Ultime SAS', ISSUER_ADDRESS: ' ' }).address // null
 */
export function issuerOf(settings: {
  ISSUER_NAME?: string;
  ISSUER_ADDRESS?: string;
  ISSUER_VAT_NUMBER?: string;
  ISSUER_REGISTRATION?: string;
}): Issuer {
  const value = (v: string | undefined) => v?.trim() || null;
  return {
    name: value(settings.ISSUER_NAME),
    address: value(settings.ISSUER_ADDRESS),
    vatNumber: value(settings.ISSUER_VAT_NUMBER),
    registration: value(settings.ISSUER_REGISTRATION),
  };
}
