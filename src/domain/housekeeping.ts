// How long the housekeeping job keeps logs and expired rows, as the cut-offs of one run.
import { dateIn, nextDate } from './calendar';
import { failureIdFloor } from './postback-failure';

const DAY_MS = 86_400_000;

/**
 * The least time a `webhook-id`'s answer is remembered, whatever `LOG_RETENTION_DAYS` says.
 * Standard Webhooks senders retry a failed delivery under the same id with a fresh signature;
 * the schedule the specification suggests (and our own pushes follow: 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 14 h, 20 h, 24 h) spans about 3 days and 3 hours. A retry that came after its
 * receipt was gone would be processed again: the conversion's own key (partner and transaction
 * id) still keeps that from counting twice, but the sender would read "recorded", not
 * "duplicate". A verbatim replay needs far less: its signature is refused once its timestamp is
 * more than `SIGNATURE_TOLERANCE_SEC` (5 minutes) old.
 */
export const WEBHOOK_RECEIPT_MIN_DAYS = 7;

/** Orphan-visit counts (no personal data) are kept a year and a month, for a comparison with the year before. */
export const ORPHAN_VISIT_DAYS = 400;

/**
 * Daily link-health results: one row per active link and day, so they grow with links times
 * days. A quarter shows when a link broke and how often; the latest check is what pages use.
 */
export const LINK_CHECK_DAYS = 90;

/** Single-use console links, once used or expired, are kept a day: a second click reads "already used", not "unknown". */
export const CONSOLE_TOKEN_GRACE_MS = DAY_MS;

/** The instants and dates before which each kind of row goes. */
export type Cutoffs = {
  /** `postback_log.created_at` before this goes. */
  logBeforeMs: number;
  /** `postback_failures` whose id sorts before this (minutes counted before `logBeforeMs`) go. */
  failureIdBefore: string;
  /** `webhook_receipts.created_at` before this goes. */
  receiptBeforeMs: number;
  /** `console_sessions.expires_at` at or before this goes. */
  sessionExpiredByMs: number;
  /** `console_tokens` expired or used before this go. */
  tokenDoneBeforeMs: number;
  /** `orphan_visits.date` before this (a date of the programme's zone) goes. */
  orphanBeforeDate: string;
  /** `link_checks.date` before this goes. */
  linkCheckBeforeDate: string;
};

/**
 * The cut-offs of a run at `nowMs`, with logs kept `logRetentionDays` and dates read in `timeZone`.
 * @example cutoffsAt(Date.parse('2026-12-06T08:00:00Z'), 30, 'UTC').orphanBeforeDate // '2025-11-01'
 */
export function cutoffsAt(nowMs: number, logRetentionDays: number, timeZone: string): Cutoffs {
  const today = dateIn(nowMs, timeZone);
  return {
    logBeforeMs: nowMs - logRetentionDays * DAY_MS,
    failureIdBefore: failureIdFloor(nowMs - logRetentionDays * DAY_MS),
    receiptBeforeMs: nowMs - Math.max(logRetentionDays, WEBHOOK_RECEIPT_MIN_DAYS) * DAY_MS,
    sessionExpiredByMs: nowMs,
    tokenDoneBeforeMs: nowMs - CONSOLE_TOKEN_GRACE_MS,
    orphanBeforeDate: nextDate(today, -ORPHAN_VISIT_DAYS),
    linkCheckBeforeDate: nextDate(today, -LINK_CHECK_DAYS),
  };
}
