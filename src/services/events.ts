// Funnel events: tied to a click (by id or by the visitor cookie), stored, read back.
import { findClick, newestClickOfVisitor } from '../db/attribution';
import type { Db } from '../db/client';
import { eventsOfClick, type FunnelEvent, insertEvent, listEvents } from '../db/events';
import { getPartner, getPartnerBySlug } from '../db/partners';
import type { Partner } from '../db/schema';
import { acceptDeepLink } from '../domain/deep-link';
import type { EventInput } from '../domain/event-fields';
import type { EventType } from '../domain/funnel-event';
import { newId } from '../domain/ids';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { AppError, invalidRequest, notFound } from '../http/errors';

/** How far back the visitor cookie may point: the longest cookie a partner can set. */
const VISITOR_LOOKBACK_MS = 365 * 24 * 3600_000;

const fieldIssue = (field: string, message: string) =>
  invalidRequest(`${field} ${message}.`, [{ path: [field], message, code: 'custom' }]);

/** Whether a browser origin may send events for `allowedDomains`: https, on one of them or a subdomain. */
export function isOriginAllowed(origin: string | null | undefined, allowedDomains: readonly string[]): boolean {
  if (!origin || !/^https:\/\/[^/]+$/i.test(origin)) return false;
  return acceptDeepLink(`${origin}/`, allowedDomains) !== null;
}

export type RecordedEvent = { id: string; partner: Partner | null; clickId: string | null };

/**
 * Stores an event for the click it names, or else for the newest click of the visitor (of the
 * named partner when given). A click id not recorded yet is kept as sent: clicks reach D1 a few
 * seconds after their redirect. `checkOrigin` may refuse once the partner is known.
 */
export async function recordEvent(
  db: Db,
  input: EventInput,
  visitorId: string | null,
  checkOrigin: (partner: Partner | null) => void,
): Promise<RecordedEvent> {
  const named = input.partnerSlug ? await getPartnerBySlug(db, input.partnerSlug) : undefined;
  if (input.partnerSlug && !named) throw fieldIssue('partner', `"${input.partnerSlug}" is not a partner`);
  if (!input.clickId && !visitorId) throw fieldIssue('clickId', 'is required when the visitor cookie is absent');
  const click = input.clickId
    ? await findClick(db, input.clickId)
    : await newestClickOfVisitor(db, visitorId as string, new Date(Date.now() - VISITOR_LOOKBACK_MS), named?.id);
  if (click && named && click.partnerId !== named.id) throw fieldIssue('clickId', 'is a click of another partner');
  const partner = named ?? (click ? ((await getPartner(db, click.partnerId)) ?? null) : null);
  checkOrigin(partner);
  const id = newId('evt');
  await insertEvent(db, {
    id,
    type: input.type,
    clickId: click?.id ?? input.clickId ?? null,
    visitorId: visitorId ?? click?.visitorId ?? null,
    partnerId: partner?.id ?? null,
    linkId: click?.linkId ?? null,
    value: Object.keys(input.fields).length ? input.fields : null,
  });
  return { id, partner, clickId: click?.id ?? input.clickId ?? null };
}

/** 403 for an event sent from a page outside the partner's domains. */
export const originNotAllowed = () =>
  new AppError(
    403,
    'origin_not_allowed',
    "Events are accepted only from https pages on the partner's allowed domains.",
  );

/** Events newest first, `limit + 1` of them, filtered; a partner key lists only its own partner's. */
export function listVisibleEvents(
  db: Db,
  scope: CallerScope,
  q: { limit: number; before?: string; clickId?: string; partnerId?: string; type?: EventType },
): Promise<FunnelEvent[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listEvents(db, { ...q, ...filter });
}

/**
 * A click's events in the order they happened, `limit + 1` of them after the cursor: those of the
 * click's partner, and those sent before the click was known, which name none. Anyone may send an
 * event with any click id to /e, so one sent for another partner is never part of the funnel. A
 * partner key reads only its own clicks' (404 otherwise); an admin may read those of a click not
 * in D1 yet, since clicks are written seconds after their redirect.
 */
export async function eventsOfVisibleClick(
  db: Db,
  scope: CallerScope,
  clickId: string,
  q: { limit: number; after?: string },
): Promise<FunnelEvent[]> {
  const click = await findClick(db, clickId);
  if (scope.partnerId !== null && (!click || !canSee(scope, click.partnerId))) throw notFound('click');
  return eventsOfClick(db, clickId, { ...q, partnerId: click?.partnerId });
}
