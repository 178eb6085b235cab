// The partners an admin picks from in the console's forms and filters: id and name, by name.
import type { CallerScope } from '../domain/visibility';
import { listVisiblePartners } from '../services/partners';

export type PartnerOption = { id: string; name: string };

/** More than the programme will ever run at once; a select longer than this is unusable anyway. */
const MAX_PARTNERS = 500;

/**
 * The partners within the caller's reach, sorted by name: every live partner for an admin, its
 * own for a partner's user.
 * @example const partners = await partnerOptionsOf(c.env, c.get('session').scope);
 */
export async function partnerOptionsOf(env: Env, scope: CallerScope): Promise<PartnerOption[]> {
  const rows = await listVisiblePartners(env, scope, { limit: MAX_PARTNERS });
  return rows
    .slice(0, MAX_PARTNERS)
    .map((p) => ({ id: p.id, name: p.name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** The name of a partner among `options`, else its id (a partner deleted since still owns its rows). */
export const partnerNameOf = (options: readonly PartnerOption[], id: string): string =>
  options.find((p) => p.id === id)?.name ?? id;
