// Click queries: the ClickBuffer's batched insert and the API's reads.
import { and, desc, eq, gte, inArray, lt, lte } from 'drizzle-orm';
import { newUlid, ulidTime } from '../domain/ids';
import type { Db } from './client';
import { type Click, clicks } from './schema';

/**
 * Columns of a click row as the ClickBuffer sends them, in order: each click travels as a
 * JSON array of these values (booleans as 0/1, times as epoch milliseconds).
 */
export const CLICK_ROW_COLUMNS = [
  'id',
  'link_id',
  'partner_id',
  'created_at',
  'visitor_id',
  'is_bot',
  'bot_reason',
  'is_unique',
  'device',
  'os',
  'browser',
  'country',
  'language',
  'referrer_host',
  'user_agent',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'placement',
  'variant',
  'destination',
  'deep_link_refused',
  'uid_hash',
  'fingerprint',
  'referral_code',
  'source',
] as const;

/** One click row, valued in the order of `CLICK_ROW_COLUMNS`. */
export type ClickRow = (string | number | null)[];

// One bound parameter for any number of rows: D1 allows 100 parameters per statement, which
// would mean three clicks per statement with one parameter per column. `jsonb_each` rather than
// `json_each`: each row then comes as binary JSON, read by position, instead of a text array that
// `->>` would parse again for every one of the 31 columns (half the CPU per row in workerd's
// SQLite, which D1 shares). `OR IGNORE` on the click id makes a retried write a no-op.
const INSERT_FROM_JSON = `INSERT OR IGNORE INTO clicks (${CLICK_ROW_COLUMNS.join(', ')}) SELECT ${CLICK_ROW_COLUMNS.map(
  (_, i) => `value ->> ${i}`,
).join(', ')} FROM jsonb_each(?1)`;

// A click written as not unique for want of its visitor's history becomes unique when D1 holds
// no unique click of the same visitor on the same link in the window before it. Rows written
// earlier in the same transaction count: one statement per generation (see `insertClickRows`).
// The visitor's index, named, since a planner without statistics may prefer the partner's,
// which spans all of the partner's clicks of the day.
const CONFIRM_UNIQUE = `UPDATE clicks SET is_unique = 1 WHERE id IN (SELECT value FROM json_each(?1)) AND NOT EXISTS (
  SELECT 1 FROM clicks AS prior INDEXED BY clicks_visitor_idx WHERE prior.visitor_id = clicks.visitor_id
    AND prior.created_at > clicks.created_at - ?2 AND prior.created_at <= clicks.created_at
    AND prior.id <> clicks.id AND prior.is_unique = 1
    AND prior.link_id = clicks.link_id AND prior.partner_id = clicks.partner_id)`;

/**
 * Writes clicks to D1 in one transaction: each element of `jsonArrays` is a JSON array of
 * click rows (see `CLICK_ROW_COLUMNS`) and becomes one statement of a single D1 batch, so
 * either every row is written or none is. Then `checks`, generation by generation, settle the
 * uniqueness of the clicks named there (ids; at most one click of a visitor and link per
 * generation, so that each sees the verdict on the one before).
 * @example await insertClickRows(env.DB, ['[["01J...","lnk_1","ptn_1",1764000000000,...]]'], [], 86_400_000)
 */
export async function insertClickRows(
  d1: D1Database,
  jsonArrays: string[],
  checks: string[][],
  uniqueWindowMs: number,
): Promise<void> {
  if (jsonArrays.length === 0) return;
  const insert = d1.prepare(INSERT_FROM_JSON);
  const statements = jsonArrays.map((json) => insert.bind(json));
  if (checks.length > 0) {
    const confirm = d1.prepare(CONFIRM_UNIQUE);
    for (const ids of checks) statements.push(confirm.bind(JSON.stringify(ids), uniqueWindowMs));
  }
  await d1.batch(statements);
}

/** Whether any of `linkIds` has a recorded click. */
export async function anyClickOf(db: Db, linkIds: string[]): Promise<boolean> {
  if (linkIds.length === 0) return false;
  return Boolean(await db.select({ id: clicks.id }).from(clicks).where(inArray(clicks.linkId, linkIds)).limit(1).get());
}

export type ClickFilter = {
  limit: number;
  /** Only clicks older than this click id (the cursor). */
  before?: string;
  linkId?: string;
  partnerId?: string;
  /** Created at or after (epoch milliseconds). */
  fromMs?: number;
  /** Created at or before (epoch milliseconds). */
  toMs?: number;
};

/**
 * Clicks newest first. Click ids are ULIDs of the click time, so id order is time order: a list
 * of one partner or link walks its (partner|link, created_at) index, bounded by the cursor's
 * time; the list of everything walks the id itself, bounded by the ids of `from` and `to`.
 */
export async function listClicks(db: Db, f: ClickFilter): Promise<Click[]> {
  const cursorTime = f.before ? ulidTime(f.before) : null;
  const scoped = Boolean(f.partnerId || f.linkId);
  return db
    .select()
    .from(clicks)
    .where(
      and(
        f.partnerId ? eq(clicks.partnerId, f.partnerId) : undefined,
        f.linkId ? eq(clicks.linkId, f.linkId) : undefined,
        f.fromMs !== undefined ? gte(clicks.createdAt, new Date(f.fromMs)) : undefined,
        f.toMs !== undefined ? lte(clicks.createdAt, new Date(f.toMs)) : undefined,
        !scoped && f.fromMs !== undefined ? gte(clicks.id, newUlid(f.fromMs).slice(0, 10)) : undefined,
        !scoped && f.toMs !== undefined ? lt(clicks.id, newUlid(f.toMs + 1).slice(0, 10)) : undefined,
        scoped && cursorTime !== null ? lte(clicks.createdAt, new Date(cursorTime)) : undefined,
        f.before ? lt(clicks.id, f.before) : undefined,
      ),
    )
    .orderBy(...(scoped ? [desc(clicks.createdAt), desc(clicks.id)] : [desc(clicks.id)]))
    .limit(f.limit + 1)
    .all();
}

export async function getClick(db: Db, id: string): Promise<Click | undefined> {
  return db.select().from(clicks).where(eq(clicks.id, id)).get();
}
