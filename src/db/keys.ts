// API keys: stored as keyed hashes, looked up by hash.
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from './client';
import { type ApiKey, apiKeys } from './schema';

export async function findActiveKeyByHash(db: Db, keyHash: string): Promise<ApiKey | undefined> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .get();
}

export async function insertKey(db: Db, row: typeof apiKeys.$inferInsert): Promise<ApiKey> {
  return (await db.insert(apiKeys).values(row).returning().get()) as ApiKey;
}

export async function listKeys(db: Db, opts: { limit: number; before?: string }): Promise<ApiKey[]> {
  return db
    .select()
    .from(apiKeys)
    .where(opts.before ? lt(apiKeys.id, opts.before) : undefined)
    .orderBy(desc(apiKeys.id))
    .limit(opts.limit + 1)
    .all();
}

export async function getKey(db: Db, id: string): Promise<ApiKey | undefined> {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

export async function revokeKey(db: Db, id: string, at: Date): Promise<void> {
  await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .run();
}

export async function touchKey(db: Db, id: string, at: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
}
