// Every 15 minutes: deletes postback logs past LOG_RETENTION_DAYS and rows whose use is over, in bounded batches.
//
// Each table gets at most `maxStatements` deletes of at most `batchRows` rows a run, so that no run
// holds D1's writer for long and a backlog (the first run, or a day of flooded postback logs)
// goes over several runs: each run takes the oldest rows left, so nothing needs a cursor.
// Not purged here: clicks and funnel events (their own retention), conversions, aggregates and
// statements (accounting), deliveries and their attempts (one row per partner and day, the record
// of what each partner was sent: they grow with partners, not with traffic).
import { type PurgeName, purgeBatch } from '../db/housekeeping';
import { timeZoneOf } from '../domain/calendar';
import { cutoffsAt } from '../domain/housekeeping';
import { DEFAULT_LOG_RETENTION_DAYS, logRetentionDays } from '../domain/settings';

/** Rows one statement deletes at most. */
export const PURGE_BATCH_ROWS = 5_000;
/** Statements per table and run at most: with 7 tables, at most 28 short writes a run. */
export const PURGE_STATEMENTS_PER_TABLE = 4;

/** Rows deleted by a run per table, and whether the table is done (nothing older left). */
export type HousekeepingReport = Record<PurgeName, { deleted: number; isDone: boolean }>;

/**
 * Runs the purges at `nowMs`. The options exist for tests, which use small batches.
 * @example await runHousekeeping(env, controller.scheduledTime)
 */
export async function runHousekeeping(
  env: Env,
  nowMs: number,
  opts: { batchRows?: number; maxStatements?: number } = {},
): Promise<HousekeepingReport> {
  const batchRows = opts.batchRows ?? PURGE_BATCH_ROWS;
  const maxStatements = opts.maxStatements ?? PURGE_STATEMENTS_PER_TABLE;
  // The Worker refuses to run on a LOG_RETENTION_DAYS that is not a number of days (settings.ts).
  const vars = env as unknown as Record<string, unknown>;
  const days = logRetentionDays(vars.LOG_RETENTION_DAYS) ?? DEFAULT_LOG_RETENTION_DAYS;
  const cut = cutoffsAt(nowMs, days, timeZoneOf(env.REPORT_TIMEZONE));
  const cutoffs: Record<PurgeName, number | string> = {
    postbackLog: cut.logBeforeMs,
    postbackFailures: cut.failureIdBefore,
    webhookReceipts: cut.receiptBeforeMs,
    consoleSessions: cut.sessionExpiredByMs,
    consoleTokens: cut.tokenDoneBeforeMs,
    orphanVisits: cut.orphanBeforeDate,
    linkChecks: cut.linkCheckBeforeDate,
  };
  const report = {} as HousekeepingReport;
  for (const [purge, cutoff] of Object.entries(cutoffs) as [PurgeName, number | string][]) {
    let deleted = 0;
    let isDone = false;
    for (let i = 0; i < maxStatements && !isDone; i++) {
      const n = await purgeBatch(env.DB, purge, cutoff, batchRows);
      deleted += n;
      isDone = n < batchRows;
    }
    report[purge] = { deleted, isDone };
  }
  const total = Object.values(report).reduce((sum, r) => sum + r.deleted, 0);
  if (total > 0) console.log(`housekeeping: ${total} rows deleted`, JSON.stringify(report));
  return report;
}
