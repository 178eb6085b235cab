// Which scheduled work each cron expression of wrangler.toml runs.
import { resumeDaily, runDaily } from './daily';
import { fetchReferenceRates } from './exchange-rates';
import { runHousekeeping } from './housekeeping';
import { runNetworkSync } from './network-sync';
import { runReconcile } from './reconcile';
import { runRetention } from './retention';
import { runMonthlyStatements } from './statements';

/** The cron expressions declared in wrangler.toml `[triggers]`. */
export const CRON_RECONCILE = '*/15 * * * *';
export const CRON_DAILY = '10 0 * * *';
/** After the ECB publishes the day's reference rates (about 16:00 Frankfurt time, 14:00 or 15:00 UTC). */
export const CRON_RATES = '30 16 * * *';
/** Partners' affiliate networks, read every hour (off the quarter hours the reconciliation takes). */
export const CRON_NETWORKS = '40 * * * *';

/**
 * The `scheduled` handler: reconciliation every 15 minutes (which also finishes a daily run left
 * unfinished, makes a month's statements once the month is over in the programme's zone, purges
 * logs and expired rows in bounded batches, and moves clicks and events past
 * `CLICK_RETENTION_DAYS` out of D1, a bounded amount a run), the
 * daily aggregates, pushes and link health at 00:10 UTC, the ECB's exchange rates at 16:30 UTC
 * (when `FX_RATES_URL` is set), and every hour at :40 the partners' affiliate networks. Times
 * come from the controller, so a delayed or replayed trigger works on the day it was meant for.
 */
export async function runScheduled(controller: Pick<ScheduledController, 'cron' | 'scheduledTime'>, env: Env) {
  // Number(): some callers (local test harnesses) hand over a Date rather than epoch milliseconds.
  const nowMs = Number(controller.scheduledTime);
  switch (controller.cron) {
    case CRON_RECONCILE:
      await runReconcile(env, nowMs);
      await resumeDaily(env, nowMs);
      await runMonthlyStatements(env, nowMs);
      await runHousekeeping(env, nowMs);
      await runRetention(env, nowMs);
      return;
    case CRON_DAILY:
      await runDaily(env, nowMs);
      return;
    case CRON_RATES:
      await fetchReferenceRates(env, nowMs);
      return;
    case CRON_NETWORKS:
      await runNetworkSync(env, nowMs);
      return;
    default:
      console.warn(`no job for cron "${controller.cron}"`);
  }
}
