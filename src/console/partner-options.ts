// The partners an admin picks from in the console's forms and filters: id and name, by name.
import type { CallerScope } from '../domain/visibility';
import { partnerNamesInReach } from '../services/partner-names';

export type PartnerOption = { id: string; name: string };

/**
 * The live partners within the caller's reach, sorted by name: every one for an admin, its own
 * for a partner's user. Names only: nothing else of a partner is read to fill a select.
 * @example const partners = await partnerOptionsOf(c.env, c.get('session').scope);
 */
export async function partnerOptionsOf(env: Env, scope: CallerScope): Promise<PartnerOption[]> {
  const rows = await partnerNamesInReach(env, scope);
  return rows
    .filter((p) => !p.isDeleted)
    .map((p) => ({ id: p.id, name: p.name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** The name of a partner among `options`, else its id (a partner deleted since still owns its rows). */
export const partnerNameOf = (options: readonly PartnerOption[], id: string): string =>
  options.find((p) => p.id === id)?.name ?? id;
