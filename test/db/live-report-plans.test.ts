// Reports that include today read each partner's rows through its indexes: never a whole table,
// whether one partner is asked for or every one.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  aggregatedBreakdownQuery,
  aggregatedDaysQuery,
  aggregatedLinksQuery,
  aggregatedPartnersQuery,
  hourlyCountsQuery,
  linkSlugsQuery,
  liveBreakdownQuery,
  liveLinksQuery,
} from '../../src/db/live-reports';
import type { SqlQuery } from '../../src/db/reports';

/** The `detail` lines of SQLite's plan for a query. */
async function planOf(q: SqlQuery): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
    .bind(...q.args)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** Yesterday (not aggregated for every partner yet) and today. */
const WINDOW = {
  startMs: Date.parse('2026-03-11T00:00:00Z'),
  endMs: Date.parse('2026-03-13T00:00:00Z'),
  todayStartMs: Date.parse('2026-03-12T00:00:00Z'),
  today: '2026-03-12',
  yesterday: '2026-03-11',
};
const DAYS = { from: '2026-01-01', to: '2026-03-11' };

const queries = (partnerId?: string): [string, SqlQuery][] => [
  ['live links', liveLinksQuery({ window: WINDOW, partnerId })],
  ['aggregated days', aggregatedDaysQuery({ ...DAYS, partnerId })],
  ['aggregated links', aggregatedLinksQuery({ ...DAYS, partnerId })],
  ['hours', hourlyCountsQuery({ startMs: WINDOW.startMs, endMs: WINDOW.endMs, partnerId })],
  ['aggregated breakdown', aggregatedBreakdownQuery({ dimension: 'sub1', ...DAYS, partnerId })],
  ['live breakdown', liveBreakdownQuery({ dimension: 'sub1', window: WINDOW, partnerId })],
  ['link names', linkSlugsQuery({ partnerId })],
];

/**
 * Tables read whole: `SCAN <table>` lines. Scans of a subquery's own rows are fine, and so is the
 * list of partners' ids, the loop that reads every partner's rows through its index.
 */
const tableScans = (plan: string[]) =>
  plan.filter((line) => /^SCAN (?!\(|f$|partners USING COVERING INDEX)/.test(line));

describe('reports that include today', () => {
  it.each([
    ...queries('ptn_a'),
    ...queries(undefined),
    ['partner totals', aggregatedPartnersQuery(DAYS)] as [string, SqlQuery],
  ])('%s: searches by partner and time, scans no table', async (_name, query) => {
    const plan = await planOf(query);
    expect(tableScans(plan)).toEqual([]);
    for (const line of plan.filter((l) => /^SEARCH (k|c) /.test(l))) {
      expect(line).toMatch(
        /USING INDEX (clicks_partner_created_fingerprint_idx|conversions_partner_occurred_idx) \(partner_id=\?|USING INDEX sqlite_autoindex_clicks_1 \(id=\?\)/,
      );
    }
    // Aggregates are read from their index alone, never from the table.
    for (const line of plan.filter((l) => /^SEARCH (a|b) /.test(l))) {
      expect(line).toMatch(
        /USING COVERING INDEX (daily_aggregates_partner_link_idx \(partner_id=\? AND link_id=|daily_breakdowns_partner_idx \(partner_id=\? AND dimension=)/,
      );
    }
  });

  it('binds the partner asked for, and no null that would switch its filter off', () => {
    for (const [, q] of queries('ptn_a')) {
      expect(q.sql).not.toMatch(/IS NULL OR/i);
      expect(q.args).toContain('ptn_a');
    }
  });
});
