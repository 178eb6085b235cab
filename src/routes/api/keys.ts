// /api/v1/keys: admin and partner API keys (shown once, stored hashed).
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import { getKey, insertKey, listKeys, revokeKey } from '../../db/keys';
import { getPartner } from '../../db/partners';
import type { ApiKey } from '../../db/schema';
import { newId, randomToken } from '../../domain/ids';
import { hashApiKey, requireAdmin } from '../../http/auth';
import { invalidRequest, notFound } from '../../http/errors';
import { decodeCursor, page } from '../../http/pagination';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { keyCreateSchema, keySchema, keyWithSecretSchema } from '../../schemas/key';

export const keysApi = router();

const presentKey = (k: ApiKey) => ({
  id: k.id,
  role: k.role,
  partnerId: k.partnerId,
  name: k.name,
  prefix: k.prefix,
  createdAt: iso(k.createdAt) as string,
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

keysApi.openapi(
  createRoute({
    method: 'post',
    path: '/keys',
    tags: ['Keys'],
    summary: 'Create an API key',
    description: "Partner keys are read-only and see only their partner's data. The key is shown once.",
    security: bearer,
    request: { body: jsonBody(keyCreateSchema) },
    responses: { 201: jsonOk(keyWithSecretSchema, 'Created.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const db = dbOf(c.env);
    if (body.partnerId && !(await getPartner(db, body.partnerId))) {
      throw invalidRequest('No partner with this partnerId.', [{ path: ['partnerId'] }]);
    }
    const key = `${body.role === 'admin' ? 'rl_admin_' : 'rl_partner_'}${randomToken(32)}`;
    const row = await insertKey(db, {
      id: newId('key'),
      keyHash: await hashApiKey(c.env.HASH_KEY, key),
      prefix: key.slice(0, key.indexOf('_', 3) + 5),
      role: body.role,
      partnerId: body.partnerId ?? null,
      name: body.name ?? null,
    });
    return c.json({ ...presentKey(row), key }, 201);
  },
);

keysApi.openapi(
  createRoute({
    method: 'get',
    path: '/keys',
    tags: ['Keys'],
    summary: 'List API keys',
    security: bearer,
    request: { query: paginationQuery },
    responses: { 200: jsonOk(listOf(keySchema, 'KeyList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const q = c.req.valid('query');
    const rows = await listKeys(dbOf(c.env), { limit: q.limit, before: decodeCursor(q.cursor) });
    return c.json(page(rows, q.limit, presentKey), 200);
  },
);

keysApi.openapi(
  createRoute({
    method: 'delete',
    path: '/keys/{id}',
    tags: ['Keys'],
    summary: 'Revoke an API key',
    description: 'Takes effect at once.',
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: 'Revoked.' }, ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const db = dbOf(c.env);
    const key = await getKey(db, c.req.valid('param').id);
    if (!key) throw notFound('key');
    await revokeKey(db, key.id, new Date());
    return c.body(null, 204);
  },
);
