// A person's rows are found through indexes: an erasure or an export reads theirs, never whole tables.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../src/db/client';
import {
  clicksOfPerson,
  conversionsOfPerson,
  eventsOfPerson,
  type PersonKeys,
  referralCodesOfUserRef,
} from '../../src/db/privacy';

/** The `detail` lines of SQLite's plan for a query. */
async function planOf(q: { sql: string; params: unknown[] }): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
    .bind(...q.params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** Tables read whole: none but the lists of identifiers bound as JSON (and the few partners). */
const scans = (plan: string[]) =>
  plan.filter((line) => line.startsWith('SCAN') && !/^SCAN (json_each|partners)\b/.test(line));

const person: PersonKeys = { userHashes: ['h1', 'h2'], visitorIds: ['01JDQ7Z8V3K2M4N5P6Q7R8S9T0'] };

describe("queries of a person's rows", () => {
  const db = dbOf(env);

  it.each([
    ['clicks', () => clicksOfPerson(db, person).toSQL(), ['clicks_uid_idx', 'clicks_visitor_idx']],
    ['events', () => eventsOfPerson(db, person).toSQL(), ['events_visitor_idx', 'events_click_idx', 'clicks_uid_idx']],
    [
      'conversions',
      () => conversionsOfPerson(db, person).toSQL(),
      ['conversions_customer_idx', 'conversions_visitor_idx', 'conversions_click_idx', 'clicks_visitor_idx'],
    ],
    ['referral codes', () => referralCodesOfUserRef(db, 'user-42').toSQL(), ['referral_codes_user_uq']],
  ])('%s: searches their indexes, scans no table', async (_what, query, indexes) => {
    const plan = await planOf(query());
    for (const index of indexes)
      expect(plan.join('\n')).toMatch(new RegExp(`SEARCH \\w+ USING (COVERING )?INDEX ${index} `));
    expect(scans(plan)).toEqual([]);
  });
});
