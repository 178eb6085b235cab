// Bounded deletes of logs and expired rows: each statement removes at most a batch, oldest first, through an index.
//
// Why `rowid IN (SELECT ... LIMIT ?)`: SQLite's `DELETE ... LIMIT` is a compile-time option D1
// does not promise, and one unbounded DELETE of a month of logs would hold D1's single writer
// for as long as it takes. A batch is one short write; the caller decides how many to run.

/** What the housekeeping job purges, each with the statement that deletes one batch (?1 the cut-off, ?2 the batch). */
export const PURGES = {
  // Through postback_log_created_idx.
  postbackLog: `DELETE FROM postback_log WHERE rowid IN
    (SELECT rowid FROM postback_log WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)`,
  // Ids start with `pbf_` and the zero-padded minute, so the primary key orders them by time.
  postbackFailures: `DELETE FROM postback_failures WHERE rowid IN
    (SELECT rowid FROM postback_failures WHERE id < ?1 ORDER BY id LIMIT ?2)`,
  // Through webhook_receipts_created_idx.
  webhookReceipts: `DELETE FROM webhook_receipts WHERE rowid IN
    (SELECT rowid FROM webhook_receipts WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)`,
  // Sessions and single-use links: a row per sign-in or invitation, a small table scanned whole.
  consoleSessions: `DELETE FROM console_sessions WHERE rowid IN
    (SELECT rowid FROM console_sessions WHERE expires_at <= ?1 LIMIT ?2)`,
  consoleTokens: `DELETE FROM console_tokens WHERE rowid IN
    (SELECT rowid FROM console_tokens WHERE expires_at < ?1 OR used_at < ?1 LIMIT ?2)`,
  // Through the (date, path) primary key.
  orphanVisits: `DELETE FROM orphan_visits WHERE rowid IN
    (SELECT rowid FROM orphan_visits WHERE date < ?1 ORDER BY date LIMIT ?2)`,
  // Through link_checks_date_idx.
  linkChecks: `DELETE FROM link_checks WHERE rowid IN
    (SELECT rowid FROM link_checks WHERE date < ?1 ORDER BY date LIMIT ?2)`,
} as const;

export type PurgeName = keyof typeof PURGES;

/**
 * Deletes at most `limit` rows of `purge` older than `cutoff`, oldest first; answers how many went.
 * @example await purgeBatch(env.DB, 'postbackLog', Date.now() - 30 * 86_400_000, 5_000)
 */
export async function purgeBatch(
  d1: D1Database,
  purge: PurgeName,
  cutoff: number | string,
  limit: number,
): Promise<number> {
  const result = await d1.prepare(PURGES[purge]).bind(cutoff, limit).run();
  return result.meta.changes ?? 0;
}
