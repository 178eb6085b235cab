// API keys' use cases: issue one (shown once, stored as a keyed hash), list them, revoke one.
import type { z } from '@hono/zod-openapi';
import { type Db, dbOf } from '../db/client';
import { getKey, insertKey, listKeys, revokeKey } from '../db/keys';
import { getPartner } from '../db/partners';
import type { ApiKey } from '../db/schema';
import { hashApiKey } from '../domain/hashing';
import { newId, randomToken } from '../domain/ids';
import { invalidRequest, notFound } from '../http/errors';
import type { keyCreateSchema } from '../schemas/key';

/**
 * Issues a key: the row stored and the key in clear, which is answered this once. The stored
 * prefix (`rl_admin_` or `rl_partner_` and four characters) lets people tell their keys apart.
 */
export async function createApiKey(
  env: Env,
  body: z.infer<typeof keyCreateSchema>,
): Promise<{ row: ApiKey; key: string }> {
  const db = dbOf(env);
  if (body.partnerId) {
    // A key of an ended partnership would be refused at once: issuing it would only mislead.
    const partner = await getPartner(db, body.partnerId);
    if (!partner) throw invalidRequest('No partner with this partnerId.', [{ path: ['partnerId'] }]);
    if (partner.status === 'ended') {
      throw invalidRequest('This partnership has ended: its keys are revoked.', [{ path: ['partnerId'] }]);
    }
  }
  const key = `${body.role === 'admin' ? 'rl_admin_' : 'rl_partner_'}${randomToken(32)}`;
  const row = await insertKey(db, {
    id: newId('key'),
    keyHash: await hashApiKey(env.HASH_KEY, key),
    prefix: key.slice(0, key.indexOf('_', 3) + 5),
    role: body.role,
    partnerId: body.partnerId ?? null,
    name: body.name ?? null,
  });
  return { row, key };
}

/** Keys newest first, `limit + 1` of them (admins only: the route checks the caller). */
export function listApiKeys(db: Db, q: { limit: number; before?: string }): Promise<ApiKey[]> {
  return listKeys(db, q);
}

/** Revokes a key, effective at once; 404 when there is none with this id. */
export async function revokeApiKey(db: Db, id: string): Promise<void> {
  const key = await getKey(db, id);
  if (!key) throw notFound('key');
  await revokeKey(db, key.id, new Date());
}
