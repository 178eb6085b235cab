// Daily aggregation: rebuilds a UTC day per partner, resumable through a cursor in job_state.
import { and, asc, gt, isNull } from 'drizzle-orm';
import { dbOf } from '../db/client';
import { readCursor, writeCursor } from '../db/job-state';
import { rebuildPartnerDay } from '../db/reports';
import { type Partner, partners } from '../db/schema';

/** Partners read per query while walking them all. */
const PARTNER_PAGE = 50;

/** Every partner not deleted, by id, after `afterId`. */
export async function partnersAfter(env: Env, afterId: string | null, limit = PARTNER_PAGE): Promise<Partner[]> {
  return dbOf(env)
    .select()
    .from(partners)
    .where(and(isNull(partners.deletedAt), afterId ? gt(partners.id, afterId) : undefined))
    .orderBy(asc(partners.id))
    .limit(limit)
    .all();
}

/** Rebuilds one partner's day (aggregates and breakdowns) from its clicks and conversions. */
export function aggregatePartnerDay(env: Env, partner: Partner, date: string, nowMs: number = Date.now()) {
  return rebuildPartnerDay(env.DB, { date, partnerId: partner.id, currency: partner.currency, computedAtMs: nowMs });
}

/**
 * Runs `step` for every partner in id order, saving the last one done under `cursorName`, so
 * that a run cut short resumes after it; the cursor is cleared at the end. Answers how many
 * partners this call went through.
 */
export async function forEachPartner(
  env: Env,
  cursorName: string,
  step: (partner: Partner) => Promise<unknown>,
): Promise<number> {
  const db = dbOf(env);
  let after = await readCursor(db, cursorName);
  let count = 0;
  for (;;) {
    const page = await partnersAfter(env, after);
    for (const partner of page) {
      await step(partner);
      after = partner.id;
      await writeCursor(db, cursorName, after);
      count++;
    }
    if (page.length < PARTNER_PAGE) break;
  }
  await writeCursor(db, cursorName, null);
  return count;
}
