// Each partner's figures over a range of days, summed inside D1 from the daily partner totals.
import { TOTAL_LINK_ID } from '../domain/aggregation';

/** A partner's figures over the days asked, money in its reporting currency, in minor units. */
export type PartnerFiguresRow = {
  partner_id: string;
  clicks: number;
  unique_clicks: number;
  conversions: number;
  revenue_minor: number;
  commission_minor: number;
};

/**
 * The figures of the partners named, from `from` to `to` (days, included), one row per partner
 * that has any. Grouped by partner alone: a partner's money is all in its current currency, since
 * that currency changes only while the partner has no conversion (src/services/partners.ts).
 * It reads only their `*` rows, through the (partner, date) index.
 */
export async function partnerFiguresRows(
  d1: D1Database,
  q: { from: string; to: string; partnerIds: readonly string[] },
): Promise<PartnerFiguresRow[]> {
  // D1 binds at most 100 parameters to a statement.
  const chunks: string[][] = [];
  for (let i = 0; i < q.partnerIds.length; i += IDS_PER_QUERY) chunks.push(q.partnerIds.slice(i, i + IDS_PER_QUERY));
  const pages = await Promise.all(chunks.map((partnerIds) => figuresOf(d1, q.from, q.to, partnerIds)));
  return pages.flat();
}

const IDS_PER_QUERY = 90;

async function figuresOf(d1: D1Database, from: string, to: string, partnerIds: string[]) {
  const ids = partnerIds.map((_, i) => `?${i + 3}`).join(', ');
  const { results } = await d1
    .prepare(
      `SELECT partner_id, SUM(clicks) AS clicks, SUM(unique_clicks) AS unique_clicks, SUM(conversions) AS conversions,
         SUM(revenue_minor) AS revenue_minor, SUM(commission_minor) AS commission_minor
       FROM daily_aggregates
       WHERE date >= ?1 AND date <= ?2 AND link_id = '${TOTAL_LINK_ID}' AND partner_id IN (${ids})
       GROUP BY partner_id`,
    )
    .bind(from, to, ...partnerIds)
    .all<PartnerFiguresRow>();
  return results;
}
