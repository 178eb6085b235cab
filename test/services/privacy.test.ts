// Erasures of people with many rows: bounded statements, every row reached, each counted once.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ERASE_CHUNK, LOG_PAGE } from '../../src/db/privacy';
import { newUlid } from '../../src/domain/ids';
import { erasePerson } from '../../src/services/privacy';
import { createLink, createPartner } from '../support/builders';

/** Runs `sql` once for each n in 1..count (bound as ?1), in one statement: a recursive series. */
function forEachOf(count: number, sql: string, ...args: unknown[]) {
  return env.DB.prepare(`WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < ?1) ${sql}`)
    .bind(count, ...args)
    .run();
}

const countOf = async (sql: string, ...args: unknown[]) =>
  (
    (await env.DB.prepare(sql)
      .bind(...args)
      .first<{ n: number }>()) as { n: number }
  ).n;

describe('erasing a person with many rows', () => {
  it('reaches every click, event and conversion past one chunk, and counts each once', async () => {
    const partner = await createPartner();
    const link = await createLink(partner.id);
    const device = newUlid();
    const clicks = 2 * ERASE_CHUNK + 1;
    await forEachOf(
      clicks,
      `INSERT INTO clicks (id, link_id, partner_id, created_at, visitor_id, is_bot, is_unique, destination, user_agent)
       SELECT printf('C%025d', n), ?2, ?3, 1764000000000 + n, ?4, 0, 0, 'https://www.autodoc.fr/', 'Mozilla/5.0' FROM series`,
      link.id,
      partner.id,
      device,
    );
    await forEachOf(
      ERASE_CHUNK + 1,
      `INSERT INTO events (id, type, click_id, visitor_id, partner_id) SELECT printf('evt_%026d', n), 'lead', printf('C%025d', n), ?2, ?3 FROM series`,
      device,
      partner.id,
    );
    await forEachOf(
      ERASE_CHUNK + 1,
      `INSERT INTO conversions (id, partner_id, transaction_id, event, status, attribution_method, occurred_at, amount_minor, commission_minor, visitor_id)
       SELECT printf('cnv_%026d', n), ?2, printf('T%d', n), 'sale', 'approved', 'cookie', 1764000000000 + n, 1000, 80, ?3 FROM series`,
      partner.id,
      device,
    );
    expect(await erasePerson(env, { visitorId: device }, 'admin-key')).toEqual({
      clicks,
      events: ERASE_CHUNK + 1,
      conversions: ERASE_CHUNK + 1,
      referralCodes: 0,
    });
    expect(
      await countOf('SELECT count(*) AS n FROM clicks WHERE user_agent IS NOT NULL OR visitor_id IS NOT NULL'),
    ).toBe(0);
    expect(await countOf('SELECT sum(amount_minor) AS n FROM conversions WHERE partner_id = ?', partner.id)).toBe(
      1000 * (ERASE_CHUNK + 1),
    );
  });

  it('reads the postback log page by page and redacts the entries about them on every page', async () => {
    const device = newUlid();
    const entries = LOG_PAGE + 3;
    // Theirs: the first entry, the last of the first page, the first of the next and the very last.
    const theirs = [1, LOG_PAGE, LOG_PAGE + 1, entries];
    await forEachOf(
      entries,
      `INSERT INTO postback_log (id, partner_slug, method, outcome, http_status, request, body, parsed)
       SELECT printf('pbl_%026d', n), 'autodoc', 'POST', 'recorded', 200, '{"a":"1"}', '{"a":"1"}',
              json_object('transactionId', printf('T%d', n), 'customerHash', NULL, 'fingerprints', json('[]'),
                          'visitorId', CASE WHEN n IN (SELECT value FROM json_each(?3)) THEN ?2 ELSE 'SOMEONE-ELSE' END)
       FROM series`,
      device,
      JSON.stringify(theirs),
    );
    await erasePerson(env, { visitorId: device }, 'admin-key');
    const { results } = await env.DB.prepare(
      "SELECT CAST(substr(id, 5) AS integer) AS n FROM postback_log WHERE request IS NULL AND body IS NULL AND json_extract(parsed, '$.visitorId') IS NULL ORDER BY id",
    ).all<{ n: number }>();
    expect(results.map((r) => r.n)).toEqual(theirs);
    expect(await countOf('SELECT count(*) AS n FROM postback_log WHERE request IS NOT NULL')).toBe(entries - 4);
  });
});
