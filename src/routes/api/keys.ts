// /api/v1/keys: admin and partner API keys (shown once, stored hashed).
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { ApiKey } from '../../db/schema';
import { requireAdmin } from '../../http/auth';
import { decodeCursor, page } from '../../http/pagination';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { keyCreateSchema, keySchema, keyWithSecretSchema } from '../../schemas/key';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/keys';

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
    const { row, key } = await createApiKey(c.env, c.req.valid('json'));
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
    const rows = await listApiKeys(dbOf(c.env), { limit: q.limit, before: decodeCursor(q.cursor) });
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
    await revokeApiKey(dbOf(c.env), c.req.valid('param').id);
    return c.body(null, 204);
  },
);
