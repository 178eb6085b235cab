// The daily job (00:10 UTC): aggregate yesterday, a day of the programme's zone, for every partner,
// queue its push (and those of corrected days), check link health.
import { dbOf } from '../db/client';
import { correctedDays } from '../db/deliveries';
import { readCursor, writeCursor } from '../db/job-state';
import { dateIn, nextDate, timeZoneOf } from '../domain/calendar';
import { PUSHED_STATUSES, queueDailyPush } from '../services/deliveries';
import { aggregatePartnerDay } from '../services/reports';
import { runLinkHealth } from './link-health';
import { forEachPartner } from './partner-walk';

export const DAILY_STATE = 'daily';
/**
 * How far back a delivered day is pushed again once its figures were rebuilt, for partners that
 * asked (`pushCorrections`): as far back as the reconciliation rebuilds changed days. At most once
 * a day per day, so a day that keeps changing does not flood the partner.
 */
export const CORRECTION_DAYS = 7;
const STAGES = ['aggregate', 'push', 'link-health', 'done'] as const;
type Stage = (typeof STAGES)[number];
type DailyState = { date: string; stage: Stage };

async function readState(env: Env): Promise<DailyState | null> {
  const raw = await readCursor(dbOf(env), DAILY_STATE);
  if (!raw) return null;
  const [date = '', stage = ''] = raw.split(' ');
  return (STAGES as readonly string[]).includes(stage) ? { date, stage: stage as Stage } : null;
}

const saveState = (env: Env, s: DailyState) => writeCursor(dbOf(env), DAILY_STATE, `${s.date} ${s.stage}`);

/**
 * Runs the daily job for the day before the one `nowMs` falls on in `REPORT_TIMEZONE`. At 00:10
 * UTC that day is over in every zone: in Paris it ended at midnight, 70 or 130 minutes before;
 * west of Greenwich, the day before. Its stages (aggregate, push, link health) and, within a
 * stage, the partners done are saved as it goes, so a run cut short resumes where it stopped; a
 * day left unfinished is finished first. Running it again once done changes nothing.
 */
export async function runDaily(env: Env, nowMs: number): Promise<DailyState> {
  const target = nextDate(dateIn(nowMs, timeZoneOf(env.REPORT_TIMEZONE)), -1);
  const state = await readState(env);
  if (state && state.date !== target && state.stage !== 'done' && state.date < target) {
    await runStages(env, state, nowMs);
  }
  return runStages(env, state?.date === target ? state : { date: target, stage: 'aggregate' }, nowMs);
}

/** Carries on an unfinished daily job (the reconciliation cron calls this); nothing when none is. */
export async function resumeDaily(env: Env, nowMs: number): Promise<DailyState | null> {
  const state = await readState(env);
  return state && state.stage !== 'done' ? runStages(env, state, nowMs) : state;
}

async function runStages(env: Env, start: DailyState, nowMs: number): Promise<DailyState> {
  const s = { ...start };
  await saveState(env, s);
  if (s.stage === 'aggregate') {
    await forEachPartner(env, 'daily:aggregate', (p) => aggregatePartnerDay(env, p, s.date, nowMs));
    s.stage = 'push';
    await saveState(env, s);
  }
  if (s.stage === 'push') {
    await forEachPartner(env, 'daily:push', async (p) => {
      if (!PUSHED_STATUSES.includes(p.status)) return;
      await queueDailyPush(env, p, s.date, { nowMs });
      if (!p.pushCorrections) return;
      const from = nextDate(s.date, -CORRECTION_DAYS);
      for (const date of await correctedDays(dbOf(env), p.id, from, nextDate(s.date, -1))) {
        await queueDailyPush(env, p, date, { force: true, nowMs });
      }
    });
    s.stage = 'link-health';
    await saveState(env, s);
  }
  if (s.stage === 'link-health') {
    // Links are checked on the day the job runs; a run that could not check them all leaves the
    // stage open, and the 15-minute cron carries on.
    const { done } = await runLinkHealth(env, nowMs);
    if (done) {
      s.stage = 'done';
      await saveState(env, s);
    }
  }
  return s;
}
