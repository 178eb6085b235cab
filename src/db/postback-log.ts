// The postback log and webhook receipts: what each postback was and what it was answered.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from './client';
import { postbackLog, webhookReceipts } from './schema';

export type PostbackLogRow = typeof postbackLog.$inferSelect;
export type NewPostbackLogRow = typeof postbackLog.$inferInsert;

/** The answer given to a signed delivery, kept per `webhook-id` so that a retry gets it again. */
export type StoredAnswer = { status: number; contentType: string; body: string };

export async function insertPostbackLog(db: Db, row: NewPostbackLogRow): Promise<void> {
  await db.insert(postbackLog).values(row).run();
}

/** Logs a postback and keeps its answer under its `webhook-id` in one round trip. */
export async function insertLogAndReceipt(
  db: Db,
  row: NewPostbackLogRow,
  receipt: { partnerId: string; webhookId: string; answer: StoredAnswer },
): Promise<void> {
  await db.batch([
    db.insert(webhookReceipts).values(receipt).onConflictDoNothing(),
    db.insert(postbackLog).values(row),
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
