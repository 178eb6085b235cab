// A conversion as a person reviews it: read within reach with its history, its click and link, and changed by an admin.

import { getClick } from '../db/clicks';
import { dbOf } from '../db/client';
import { consoleUserEmails } from '../db/console-users';
import { type ConversionHistoryRow, getConversion, historyOf } from '../db/conversions';
import { getLink } from '../db/links';
import type { Click, Conversion, Link } from '../db/schema';
import type { ConversionStatus } from '../domain/conversion-status';
import { parseAmount } from '../domain/money';
import { type CallerScope, canSee } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';
import { changeConversionById } from './conversions';

export type { Click, Conversion, ConversionHistoryRow, Link };

/** A conversion with every change made to it (oldest first), and its click and link when it has them. */
export type ConversionReview = {
  conversion: Conversion;
  history: ConversionHistoryRow[];
  click: Click | null;
  link: Link | null;
  /** The emails of the console users who changed it by hand, for an admin only. */
  actorEmails: Map<string, string>;
};

/** The conversion, or 404 when it does not exist or is not the caller's partner's. */
export async function visibleConversion(env: Env, scope: CallerScope, id: string): Promise<Conversion> {
  const conversion = await getConversion(dbOf(env), id);
  if (!conversion || !canSee(scope, conversion.partnerId)) throw notFound('conversion');
  return conversion;
}

/** Every change of a conversion within reach, oldest first; 404 as `visibleConversion`. */
export async function visibleConversionWithHistory(
  env: Env,
  scope: CallerScope,
  id: string,
): Promise<{ conversion: Conversion; history: ConversionHistoryRow[] }> {
  const conversion = await visibleConversion(env, scope, id);
  return { conversion, history: await historyOf(dbOf(env), conversion.id) };
}

/** What a reviewer sees of a conversion: its history, the click it is attributed to and that click's link. */
export async function conversionReview(env: Env, scope: CallerScope, id: string): Promise<ConversionReview> {
  const db = dbOf(env);
  const { conversion, history } = await visibleConversionWithHistory(env, scope, id);
  // A partner's user is told a change was an admin's, never which person's email made it.
  const people =
    scope.partnerId === null
      ? [...new Set(history.flatMap((h) => (h.actor?.startsWith('usr_') ? [h.actor] : [])))]
      : [];
  const [click, link, actorEmails] = await Promise.all([
    conversion.clickId ? getClick(db, conversion.clickId) : undefined,
    conversion.linkId ? getLink(db, conversion.linkId) : undefined,
    consoleUserEmails(db, people),
  ]);
  // A click or link of another partner is never shown, whatever a row points at.
  const own = <T extends { partnerId: string }>(row: T | undefined) =>
    row && row.partnerId === conversion.partnerId ? row : null;
  return { conversion, history, click: own(click), link: own(link), actorEmails };
}

/** A change asked by an admin: a status, its reason, and/or the total refunded so far in major units. */
export type ReviewChange = { status?: ConversionStatus; reason?: string | null; refundedAmount?: string | number };

/** The actor of a change made with the deployment's own ADMIN_API_KEY, which has no id. */
export const ADMIN_KEY_ACTOR = 'admin-key';

/**
 * Changes a conversion within reach by hand (see `planChange` for the rules), in the name of
 * `actor` (a console user's or an API key's id, kept in the history): `refundedAmount` is
 * the total refunded so far, in major units of the conversion's currency. 400 naming
 * `refundedAmount` when it is not an amount; 404 as `visibleConversion`. Callers check that the
 * caller is an admin.
 */
export async function reviewConversion(
  env: Env,
  scope: CallerScope,
  id: string,
  change: ReviewChange,
  actor: string,
): Promise<Conversion> {
  const current = await visibleConversion(env, scope, id);
  let refundedAmountMinor: number | undefined;
  if (change.refundedAmount !== undefined) {
    const parsed = parseAmount(change.refundedAmount, current.currency);
    if (!parsed.ok) {
      throw invalidRequest(`refundedAmount ${parsed.message}.`, [
        { path: ['refundedAmount'], message: parsed.message },
      ]);
    }
    refundedAmountMinor = parsed.amountMinor;
  }
  const row = await changeConversionById(dbOf(env), current.id, {
    to: change.status,
    reason: change.reason,
    refund: refundedAmountMinor === undefined ? undefined : { refundedAmountMinor },
    source: 'api',
    actor,
  });
  if (!row) throw notFound('conversion');
  return row;
}
