// The housekeeping deletes find their rows through an index: a batch never reads a whole large table.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { PURGES, type PurgeName } from '../../src/db/housekeeping';

// Console sessions and single-use links (a row per sign-in or invitation) are scanned whole, on purpose.
const INDEXED: [PurgeName, string, string][] = [
  ['postbackLog', 'postback_log', 'postback_log_created_idx (created_at<?)'],
  ['postbackFailures', 'postback_failures', 'sqlite_autoindex_postback_failures_1 (id<?)'],
  ['webhookReceipts', 'webhook_receipts', 'webhook_receipts_created_idx (created_at<?)'],
  ['orphanVisits', 'orphan_visits', 'sqlite_autoindex_orphan_visits_1 (date<?)'],
  ['linkChecks', 'link_checks', 'link_checks_date_idx (date<?)'],
];

describe('housekeeping statements', () => {
  it.each(INDEXED)('%s finds its batch through an index, then deletes by rowid', async (purge, table, index) => {
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${PURGES[purge]}`).bind(0, 5_000).all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail)).toEqual([
      `SEARCH ${table} USING INTEGER PRIMARY KEY (rowid=?)`,
      'LIST SUBQUERY 1',
      `SEARCH ${table} USING COVERING INDEX ${index}`,
    ]);
  });
});
