// Results of the daily check of links' landing pages, read within reach.
import type { Db } from '../db/client';
import { type LinkCheck, listChecks } from '../db/link-health';
import { type CallerScope, partnerFilterOf } from '../domain/visibility';
import { notFound } from '../http/errors';
import { visibleLink } from './links';

/** Where a page of checks starts: after the `[date, linkId]` of the last one seen. */
type CheckPage = { limit: number; before?: [string, string] };

/** Checks newest day first, `limit + 1` of them, filtered; a partner key lists only its own partner's. */
export function listVisibleChecks(
  db: Db,
  scope: CallerScope,
  q: CheckPage & { partnerId?: string; linkId?: string; status?: string; date?: string },
): Promise<LinkCheck[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listChecks(db, { ...q, ...filter });
}

/** One link's checks newest day first, `limit + 1` of them; 404 when the link is not the caller's. */
export async function checksOfLink(db: Db, scope: CallerScope, linkId: string, q: CheckPage): Promise<LinkCheck[]> {
  const link = await visibleLink(db, scope, linkId);
  return listChecks(db, { limit: q.limit, before: q.before, linkId: link.id });
}
