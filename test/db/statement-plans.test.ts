// A month's statement run reads only the conversions a statement has something to say about.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import { statementCandidatesQuery } from '../../src/db/statements';

describe('the statement run’s read of conversions', () => {
  it('searches the index of conversions awaiting a statement, never the partner’s whole history', async () => {
    const { sql, params } = statementCandidatesQuery(dbOf(env), {
      partnerId: 'ptn_a',
      currency: 'EUR',
      endMs: Date.parse('2026-12-01T00:00:00Z'),
    }).toSQL();
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    const plan = results.map((r) => r.detail);
    expect(plan.join('\n')).toMatch(
      /SEARCH \w+ USING INDEX conversions_to_state_idx \(partner_id=\? AND occurred_at<\?\)/,
    );
    expect(plan.filter((line) => line.startsWith('SCAN'))).toEqual([]);
  });
});
