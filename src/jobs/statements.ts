// The monthly statements job: once a month is over in the programme's zone, every partner's statement of it.
import { dbOf } from '../db/client';
import { readCursor, writeCursor } from '../db/job-state';
import { monthIn, nextMonth, timeZoneOf } from '../domain/calendar';
import { makeStatement } from '../services/statements';
import { forEachPartner } from './partner-walk';

/** The last month whose statements were all made. */
export const STATEMENTS_STATE = 'statements';
/** The partners done within the month being stated, for a run cut short. */
const PARTNER_CURSOR = 'statements:partners';

/**
 * Makes the statements of every month over by `nowMs` (in `REPORT_TIMEZONE`) that are not done yet,
 * oldest first; the first run ever makes the previous month's only. Called by the 15-minute cron:
 * a month over at midnight in Paris (23:00 UTC) or in New York (05:00 UTC) is stated within a
 * quarter of an hour, whatever the zone. A run cut short resumes with the partner after the last
 * one done, and making a statement twice is making it once, so a replayed run changes nothing.
 * Answers the months it stated.
 */
export async function runMonthlyStatements(env: Env, nowMs: number): Promise<string[]> {
  const db = dbOf(env);
  const target = nextMonth(monthIn(nowMs, timeZoneOf(env.REPORT_TIMEZONE)), -1);
  const done = await readCursor(db, STATEMENTS_STATE);
  const stated: string[] = [];
  for (let month = done ? nextMonth(done, 1) : target; month <= target; month = nextMonth(month, 1)) {
    // A deleted partner still owes what it earned before (and is owed what is taken back).
    await forEachPartner(env, PARTNER_CURSOR, (partner) => makeStatement(env, partner, month, nowMs), {
      withDeleted: true,
    });
    await writeCursor(db, STATEMENTS_STATE, month);
    stated.push(month);
  }
  return stated;
}
