// Conversions as the API lists them: by status, attribution and the time they occurred, within reach.
import { dbOf } from '../db/client';
import { listConversions } from '../db/conversions';
import type { PageOptions } from '../db/paging';
import type { Conversion } from '../db/schema';
import { listRange } from '../domain/date-range';
import { type CallerScope, partnerFilterOf } from '../domain/visibility';
import { invalidRequest, notFound } from '../http/errors';

/**
 * Conversions newest first, `limit + 1` of them, that occurred between `from` and `to` when asked
 * (instants, or dates meaning their whole day in `timeZone`, at most a year and a day apart: 400
 * beyond); a partner key lists only its own partner's.
 */
export function listVisibleConversions(
  env: Env,
  scope: CallerScope,
  q: PageOptions & {
    status?: Conversion['status'];
    method?: Conversion['attributionMethod'];
    from?: string;
    to?: string;
    timeZone: string;
  },
): Promise<Conversion[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  const asked = listRange(q, Date.now(), q.timeZone);
  if (!asked.ok) throw invalidRequest(asked.message, asked.details);
  const { fromMs, toMs } = asked.range;
  return listConversions(dbOf(env), {
    limit: q.limit,
    before: q.before,
    partnerId: filter.partnerId,
    status: q.status,
    method: q.method,
    from: fromMs === undefined ? undefined : new Date(fromMs),
    to: toMs === undefined ? undefined : new Date(toMs),
  });
}
