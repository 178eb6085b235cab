// Reports asked by one partner read that partner's rows through its index, never every partner's.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { breakdownQuery, dailyQuery, type SqlQuery, timeToConversionQuery } from '../../src/db/reports';

/** The `detail` lines of SQLite's plan for a query. */
async function planOf(q: SqlQuery): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
    .bind(...q.args)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

const RANGE = { from: '2026-01-01', to: '2026-12-31' };
/** Days of a zone: time to conversion reads conversions by the instants they span. */
const ZONED = { ...RANGE, timeZone: 'Europe/Paris' };

describe('report queries scoped to a partner', () => {
  it.each([
    ['daily totals', dailyQuery({ ...RANGE, partnerId: 'ptn_a' }), 'daily_aggregates_partner_idx'],
    ['daily per link', dailyQuery({ ...RANGE, partnerId: 'ptn_a', perLink: true }), 'daily_aggregates_partner_idx'],
    [
      'daily of one link',
      dailyQuery({ ...RANGE, partnerId: 'ptn_a', linkId: 'lnk_a' }),
      'daily_aggregates_partner_idx',
    ],
    ['breakdown', breakdownQuery({ ...RANGE, partnerId: 'ptn_a', dimension: 'sub1' }), 'daily_breakdowns_partner_idx'],
    ['time to conversion', timeToConversionQuery({ ...ZONED, partnerId: 'ptn_a' }), 'conversions_partner_occurred_idx'],
  ])('%s: searches the partner index, scans nothing', async (_name, query, index) => {
    const plan = await planOf(query);
    expect(plan.join('\n')).toMatch(new RegExp(`SEARCH \\w+ USING (COVERING )?INDEX ${index} \\(partner_id=\\?`));
    expect(plan.filter((line) => line.startsWith('SCAN'))).toEqual([]);
  });

  it('binds no partner at all when every partner is asked for', () => {
    for (const q of [
      dailyQuery(RANGE),
      breakdownQuery({ ...RANGE, dimension: 'sub1' }),
      timeToConversionQuery(ZONED),
    ]) {
      expect(q.sql).not.toMatch(/IS NULL OR/i);
      expect(q.sql).not.toMatch(/partner_id = \?/);
    }
  });

  it('never writes a partner filter that an absent partner turns off', () => {
    for (const q of [
      dailyQuery({ ...RANGE, partnerId: 'ptn_a' }),
      breakdownQuery({ ...RANGE, partnerId: 'ptn_a', dimension: 'device' }),
      timeToConversionQuery({ ...ZONED, partnerId: 'ptn_a' }),
    ]) {
      expect(q.sql).not.toMatch(/IS NULL OR/i);
      expect(q.args).toContain('ptn_a');
    }
  });
});
