// The hourly sync of every partner connected to an affiliate network, resumable through a cursor in job_state.
import { dbOf } from '../db/client';
import { readCursor, writeCursor } from '../db/job-state';
import { NETWORK_PAGE, networksAfter } from '../db/networks';
import { getPartner } from '../db/partners';
import { rateLimitKeyOf, syncNetwork } from '../services/network-sync';

/** Where an interrupted hourly run resumes: the last partner whose sync was done. */
export const NETWORK_SYNC_CURSOR = 'network-sync';

/**
 * Syncs each connected partner (not deleted) in turn, as `POST /partners/:id/network-sync` does
 * without a range; partners whose network asked to wait (429) until after `nowMs` are skipped.
 * A partner whose sync throws is logged and left for the next run, never stopping the others.
 * A 429 holds back, for the rest of the run, the partners read at the same host with the same
 * token (networks limit calls per user: Awin 20 a minute); the others are synced. The limited
 * partner waits for its own `Retry-After`, so one network that keeps limiting never stops the
 * others' syncs. Answers how many partners were synced.
 */
export async function runNetworkSync(env: Env, nowMs: number): Promise<number> {
  const db = dbOf(env);
  let after = await readCursor(db, NETWORK_SYNC_CURSOR);
  let synced = 0;
  const limited = new Set<string>();
  for (;;) {
    const page = await networksAfter(db, after, NETWORK_PAGE);
    for (const network of page) {
      const isWaiting = network.retryAfter !== null && network.retryAfter.getTime() > nowMs;
      const limitKey = isWaiting ? null : await rateLimitKeyOf(env, network);
      const isHeldBack = limitKey !== null && limited.has(limitKey);
      const partner = isWaiting || isHeldBack ? undefined : await getPartner(db, network.partnerId);
      if (partner) {
        try {
          const report = await syncNetwork(env, partner, network, null, nowMs);
          synced++;
          if (report.retryAfter && limitKey !== null) limited.add(limitKey);
        } catch (err) {
          console.error(`network sync of ${partner.id} failed`, err instanceof Error ? err.message : String(err));
        }
      }
      after = network.partnerId;
      await writeCursor(db, NETWORK_SYNC_CURSOR, after);
    }
    if (page.length < NETWORK_PAGE) break;
  }
  await writeCursor(db, NETWORK_SYNC_CURSOR, null);
  return synced;
}
