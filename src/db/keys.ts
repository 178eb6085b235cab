// API keys: stored as keyed hashes, looked up by hash with their partner's state, revoked one by one or per partner.
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { StoredKey } from '../domain/key-role';
import type { Db } from './client';
import { type ApiKey, apiKeys, partners } from './schema';

/** An unrevoked key and, for a partner key, its partner's state: what authentication decides on. */
export type KeyForAuth = StoredKey & Pick<ApiKey, 'id' | 'lastUsedAt'>;

/** The unrevoked key of this hash joined to its partner, in one query; undefined when there is none. */
export async function findActiveKeyByHash(db: Db, keyHash: string): Promise<KeyForAuth | undefined> {
  const row = await db
    .select({
      id: apiKeys.id,
      role: apiKeys.role,
      partnerId: apiKeys.partnerId,
      lastUsedAt: apiKeys.lastUsedAt,
      partnerStatus: partners.status,
      partnerDeletedAt: partners.deletedAt,
    })
    .from(apiKeys)
    .leftJoin(partners, eq(partners.id, apiKeys.partnerId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .get();
  if (!row) return undefined;
  const { partnerStatus, partnerDeletedAt, ...key } = row;
  return { ...key, partner: partnerStatus === null ? null : { status: partnerStatus, deletedAt: partnerDeletedAt } };
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

/**
 * The statement revoking every live key of a partner, to run in the batch that deletes or ends
 * it: the partnership and its keys end together or not at all.
 */
export function revokePartnerKeys(db: Db, partnerId: string, at: Date) {
  return db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.partnerId, partnerId), isNull(apiKeys.revokedAt)));
}

export async function touchKey(db: Db, id: string, at: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
}
