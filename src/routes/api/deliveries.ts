// /api/v1/deliveries: the daily pushes to partners, each attempt visible; an admin can send one again.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import { attemptsOf, type DeliveryAttempt, getDelivery, listDeliveries } from '../../db/deliveries';
import { getPartner } from '../../db/partners';
import type { Delivery } from '../../db/schema';
import { assertVisible, requireAdmin } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { AppError, notFound } from '../../http/errors';
import { page, scopedPage } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { deliveryListQuery, deliverySchema, deliveryWithAttemptsSchema } from '../../schemas/delivery';
import { queueDailyPush } from '../../services/deliveries';

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

async function visibleDelivery(c: Context<AppEnv>, id: string): Promise<Delivery> {
  const delivery = await getDelivery(dbOf(c.env), id);
  if (!delivery) throw notFound('delivery');
  assertVisible(c, delivery.partnerId, 'delivery');
  return delivery;
}

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
    const rows = await listDeliveries(dbOf(c.env), {
      ...scopedPage(c, q),
      status: q.status,
    });
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
    const delivery = await visibleDelivery(c, c.req.valid('param').id);
    const attempts = await attemptsOf(dbOf(c.env), delivery.id);
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
    const delivery = await visibleDelivery(c, c.req.valid('param').id);
    const partner = await getPartner(dbOf(c.env), delivery.partnerId);
    if (!partner?.webhookUrl) throw new AppError(409, 'no_webhook_url', 'The partner has no webhookUrl.');
    const queued = await queueDailyPush(c.env, partner, delivery.date, { force: true });
    return c.json(presentDelivery(queued as Delivery), 202);
  },
);
