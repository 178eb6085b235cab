// /api/v1/deliveries: the daily pushes to partners, each attempt visible; an admin can send one again.
import { createRoute } from '@hono/zod-openapi';
import type { DeliveryAttempt } from '../../db/deliveries';
import type { Delivery } from '../../db/schema';
import { requireAdmin, scopeOf } from '../../http/auth';
import { page, pageRequest } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { deliveryListQuery, deliverySchema, deliveryWithAttemptsSchema } from '../../schemas/delivery';
import { listVisibleDeliveries, retryDelivery, visibleDeliveryWithAttempts } from '../../services/delivery-log';

export const deliveriesApi = router();

const presentDelivery = (d: Delivery) => ({
  id: d.id,
  partnerId: d.partnerId,
  date: d.date,
  status: d.status,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  webhookId: d.webhookId,
  url: d.url,
  createdAt: iso(d.createdAt) as string,
  updatedAt: iso(d.updatedAt) as string,
});

const presentAttempt = (a: DeliveryAttempt) => ({
  attempt: a.attempt,
  statusCode: a.statusCode,
  error: a.error,
  durationMs: a.durationMs,
  createdAt: iso(a.createdAt) as string,
});

deliveriesApi.openapi(
  createRoute({
    method: 'get',
    path: '/deliveries',
    tags: ['Deliveries'],
    summary: 'List pushes to partners',
    security: bearer,
    request: { query: paginationQuery.merge(deliveryListQuery) },
    responses: { 200: jsonOk(listOf(deliverySchema, 'DeliveryList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisibleDeliveries(c.env, scopeOf(c), { ...pageRequest(q), status: q.status });
    return c.json(page(rows, q.limit, presentDelivery), 200);
  },
);

deliveriesApi.openapi(
  createRoute({
    method: 'get',
    path: '/deliveries/{id}',
    tags: ['Deliveries'],
    summary: 'Get a push with every attempt made',
    security: bearer,
    request: { params: idParam },
    responses: {
      200: jsonOk(deliveryWithAttemptsSchema, 'The delivery and its attempts, oldest first.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const { delivery, attempts } = await visibleDeliveryWithAttempts(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json({ ...presentDelivery(delivery), attemptLog: attempts.map(presentAttempt) }, 200);
  },
);

deliveriesApi.openapi(
  createRoute({
    method: 'post',
    path: '/deliveries/{id}/retry',
    tags: ['Deliveries'],
    summary: 'Send a push again now',
    description:
      'Queues the day again, with its current figures, to the current webhookUrl and with a fresh retry schedule. ' +
      'It is a new message: it has a new `webhook-id` (its own retries keep it), so a receiver that drops the ids it ' +
      'has seen still reads it. Pushes carry their `date`: receivers should store a day by its date.',
    security: bearer,
    request: { params: idParam },
    responses: { 202: jsonOk(deliverySchema, 'Queued.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const queued = await retryDelivery(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json(presentDelivery(queued), 202);
  },
);
