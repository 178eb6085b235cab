// The postback log and webhook receipts: what each postback was and what it was answered.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { insertIf } from './insert-if';
import { postbackLog, webhookReceipts } from './schema';

export type PostbackLogRow = typeof postbackLog.$inferSelect;
export type NewPostbackLogRow = typeof postbackLog.$inferInsert;

/**
 * The answer given to a signed delivery, kept per `webhook-id` so that a retry gets it again; or,
 * marked `dryRun`, the answer of a dry run that spent the id (a real postback may not reuse it).
 */
export type StoredAnswer = { status: number; contentType: string; body: string; dryRun?: boolean };

export async function insertPostbackLog(db: Db, row: NewPostbackLogRow): Promise<void> {
  await db.insert(postbackLog).values(row).run();
}

/** The answer kept for a signed delivery's retries. */
export type NewReceipt = { partnerId: string; webhookId: string; answer: StoredAnswer };

/** What a postback leaves beside its conversion: its log row and, for a signed delivery, its answer. */
export type PostbackTrail = { log: NewPostbackLogRow & { id: string }; receipt?: NewReceipt };

/**
 * The inserts of a trail, each made only when `condition` holds, for the batch that writes the
 * conversion: the log says `recorded` only if the conversion was. A receipt already kept for the
 * same delivery (a concurrent copy of it) is left as it is.
 */
export function trailInserts(db: Db, trail: PostbackTrail, condition: SQL) {
  return [
    insertIf(db, postbackLog, trail.log, condition),
    ...(trail.receipt ? [insertIf(db, webhookReceipts, trail.receipt, condition).onConflictDoNothing()] : []),
  ];
}

/** Logs a postback and keeps its answer under its `webhook-id`, in one round trip. */
export async function insertTrail(db: Db, trail: PostbackTrail): Promise<void> {
  if (!trail.receipt) return insertPostbackLog(db, trail.log);
  await db.batch([
    db.insert(webhookReceipts).values(trail.receipt).onConflictDoNothing(),
    db.insert(postbackLog).values(trail.log),
  ]);
}

export async function getPostbackLog(db: Db, id: string): Promise<PostbackLogRow | undefined> {
  return db.select().from(postbackLog).where(eq(postbackLog.id, id)).get();
}

/** Log entries newest first; `limit + 1` rows for pagination. */
export async function listPostbackLog(
  db: Db,
  f: { limit: number; before?: string; partnerId?: string; outcome?: string },
): Promise<PostbackLogRow[]> {
  return db
    .select()
    .from(postbackLog)
    .where(
      and(
        f.before ? lt(postbackLog.id, f.before) : undefined,
        f.partnerId ? eq(postbackLog.partnerId, f.partnerId) : undefined,
        f.outcome ? eq(postbackLog.outcome, f.outcome) : undefined,
      ),
    )
    .orderBy(desc(postbackLog.id))
    .limit(f.limit + 1)
    .all();
}
