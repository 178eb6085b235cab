// The names of the partners within reach, for pages that label rows with them and filter by partner.
import { dbOf } from '../db/client';
import { partnerNames } from '../db/partners';
import type { CallerScope } from '../domain/visibility';

/** A partner as a filter or a table cell names it. */
export type PartnerName = { id: string; name: string; isDeleted: boolean };

/**
 * Every partner the caller may see, by name: all of them for an admin (deleted ones marked, since
 * their conversions and deliveries stay), its own for a partner's caller.
 */
export async function partnerNamesInReach(env: Env, scope: CallerScope): Promise<PartnerName[]> {
  const rows = await partnerNames(dbOf(env), scope.partnerId ?? undefined);
  return rows.map((r) => ({ id: r.id, name: r.name, isDeleted: r.deletedAt !== null }));
}
