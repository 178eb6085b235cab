// Recorded clicks as the API reads them: listed by link and time, and read one by one, within reach.
import { getClick, listClicks } from '../db/clicks';
import type { Db } from '../db/client';
import type { PageOptions } from '../db/paging';
import type { Click } from '../db/schema';
import { listRange } from '../domain/date-range';
import { visitorPseudonym } from '../domain/identity';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';

/**
 * Clicks newest first, `limit + 1` of them, of a link and between `from` and `to` when asked
 * (instants, or dates meaning their whole day in `timeZone`, at most a year and a day apart: 400
 * beyond); a partner key lists only its own partner's.
 */
export async function listVisibleClicks(
  db: Db,
  hashKey: string,
  scope: CallerScope,
  q: PageOptions & { linkId?: string; from?: string; to?: string; timeZone: string },
): Promise<Click[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  const asked = listRange(q, Date.now(), q.timeZone);
  if (!asked.ok) throw invalidRequest(asked.message, asked.details);
  const rows = await listClicks(db, {
    limit: q.limit,
    before: q.before,
    partnerId: filter.partnerId,
    linkId: q.linkId,
    ...asked.range,
  });
  return asSeenBy(hashKey, scope, rows);
}

/** The click, or 404 when it does not exist or is not the caller's partner's. */
export async function visibleClick(db: Db, hashKey: string, scope: CallerScope, id: string): Promise<Click> {
  const click = await getClick(db, id);
  if (!click || !canSee(scope, click.partnerId)) throw notFound('click');
  return (await asSeenBy(hashKey, scope, [click]))[0] as Click;
}

/**
 * The clicks as the caller may see them: an admin sees the visitor ids; a partner its own
 * pseudonym of each (see `visitorPseudonym`), never the cookie value that every partner's links
 * share.
 */
async function asSeenBy(hashKey: string, scope: CallerScope, clicks: Click[]): Promise<Click[]> {
  const partnerId = scope.partnerId;
  if (partnerId === null) return clicks;
  // A page often holds the same visitor many times: one hash each.
  const pseudonyms = new Map<string, Promise<string>>();
  const pseudonymOf = (visitorId: string) => {
    let p = pseudonyms.get(visitorId);
    if (!p) {
      p = visitorPseudonym(hashKey, partnerId, visitorId);
      pseudonyms.set(visitorId, p);
    }
    return p;
  };
  return Promise.all(
    clicks.map(async (c) => ({ ...c, visitorId: c.visitorId === null ? null : await pseudonymOf(c.visitorId) })),
  );
}
