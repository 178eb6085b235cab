// Partners' key figures over a range of days (clicks, conversions, revenue, commission), within reach.
import { partnerFiguresRows } from '../db/partner-figures';
import { timeZoneOf } from '../domain/calendar';
import { type ReportRange, reportRange } from '../domain/date-range';
import { type CallerScope, canSee } from '../domain/visibility';
import { invalidRequest } from '../http/errors';

/** A partner's figures: clicks without bots; money in its reporting currency, minor units, after refunds. */
export type PartnerFigures = {
  clicks: number;
  uniqueClicks: number;
  conversions: number;
  revenueMinor: number;
  commissionMinor: number;
};

const NOTHING: PartnerFigures = { clicks: 0, uniqueClicks: 0, conversions: 0, revenueMinor: 0, commissionMinor: 0 };

/**
 * The figures of each partner named that the caller may see, from the daily aggregates: by
 * default the 30 days up to yesterday in the programme's zone (as reports). One query for a page
 * of partners, whatever their number of days; a partner without figures has zeros.
 * @example const { byPartner } = await partnerFigures(env, scope, ['ptn_a']); byPartner.get('ptn_a')?.clicks
 */
export async function partnerFigures(
  env: Env,
  scope: CallerScope,
  partnerIds: readonly string[],
  asked: { from?: string; to?: string } = {},
): Promise<{ range: ReportRange; byPartner: Map<string, PartnerFigures> }> {
  const range = reportRange(asked, Date.now(), timeZoneOf(env.REPORT_TIMEZONE));
  if (!range.ok) throw invalidRequest(range.message, range.details);
  const ids = [...new Set(partnerIds)].filter((id) => canSee(scope, id));
  const rows = await partnerFiguresRows(env.DB, { ...range.range, partnerIds: ids });
  const byPartner = new Map(ids.map((id) => [id, NOTHING]));
  for (const row of rows) {
    byPartner.set(row.partner_id, {
      clicks: row.clicks,
      uniqueClicks: row.unique_clicks,
      conversions: row.conversions,
      revenueMinor: row.revenue_minor,
      commissionMinor: row.commission_minor,
    });
  }
  return { range: range.range, byPartner };
}
