// Recorded clicks as the API reads them: listed by link and time, and read one by one, within reach.
import { getClick, listClicks } from '../db/clicks';
import type { Db } from '../db/client';
import type { PageOptions } from '../db/paging';
import type { Click } from '../db/schema';
import { listRange } from '../domain/date-range';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';

/**
 * Clicks newest first, `limit + 1` of them, of a link and between `from` and `to` when asked
 * (instants, or dates meaning their whole day in `timeZone`, at most a year and a day apart: 400
 * beyond); a partner key lists only its own partner's.
 */
export function listVisibleClicks(
  db: Db,
  scope: CallerScope,
  q: PageOptions & { linkId?: string; from?: string; to?: string; timeZone: string },
): Promise<Click[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  const asked = listRange(q, Date.now(), q.timeZone);
  if (!asked.ok) throw invalidRequest(asked.message, asked.details);
  return listClicks(db, {
    limit: q.limit,
    before: q.before,
    partnerId: filter.partnerId,
    linkId: q.linkId,
    ...asked.range,
  });
}

/** The click, or 404 when it does not exist or is not the caller's partner's. */
export async function visibleClick(db: Db, scope: CallerScope, id: string): Promise<Click> {
  const click = await getClick(db, id);
  if (!click || !canSee(scope, click.partnerId)) throw notFound('click');
  return click;
}
