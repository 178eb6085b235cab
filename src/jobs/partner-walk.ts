// Walks every partner for a scheduled job, resumable through a cursor in job_state.
import { dbOf } from '../db/client';
import { readCursor, writeCursor } from '../db/job-state';
import { PARTNER_PAGE, partnersAfter } from '../db/partners';
import type { Partner } from '../db/schema';

/**
 * Runs `step` for every partner in id order, saving the last one done under `cursorName`, so
 * that a run cut short resumes after it; the cursor is cleared at the end. Answers how many
 * partners this call went through. Deleted partners only `withDeleted`.
 */
export async function forEachPartner(
  env: Env,
  cursorName: string,
  step: (partner: Partner) => Promise<unknown>,
  opts: { withDeleted?: boolean } = {},
): Promise<number> {
  const db = dbOf(env);
  let after = await readCursor(db, cursorName);
  let count = 0;
  for (;;) {
    const page = await partnersAfter(db, after, PARTNER_PAGE, opts);
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
