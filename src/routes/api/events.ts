// /api/v1/events and /api/v1/clicks/:id/events: funnel events, and one click's funnel read back.
import { createRoute, z } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { FunnelEvent } from '../../db/events';
import { EVENT_TYPES } from '../../domain/funnel-event';
import { scopeOf } from '../../http/auth';
import { decodeCursor, page } from '../../http/pagination';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { eventListQuery, eventSchema } from '../../schemas/conversion';
import { eventsOfVisibleClick, listVisibleEvents } from '../../services/events';

export const eventsApi = router();

export const presentEvent = (e: FunnelEvent) => ({
  id: e.id,
  type: e.type,
  clickId: e.clickId,
  partnerId: e.partnerId,
  linkId: e.linkId,
  value: e.value,
  createdAt: iso(e.createdAt) as string,
});

eventsApi.openapi(
  createRoute({
    method: 'get',
    path: '/events',
    tags: ['Events'],
    summary: 'List funnel events',
    description: 'Newest first. A partner key sees its own.',
    security: bearer,
    request: { query: paginationQuery.merge(eventListQuery) },
    responses: { 200: jsonOk(listOf(eventSchema, 'FunnelEventList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisibleEvents(dbOf(c.env), scopeOf(c), {
      limit: q.limit,
      before: decodeCursor(q.cursor),
      clickId: q.clickId,
      partnerId: q.partnerId,
      type: q.type,
    });
    return c.json(page(rows, q.limit, presentEvent), 200);
  },
);

const funnelSchema = listOf(eventSchema, 'ClickFunnelPage')
  .extend({
    funnel: z
      .record(z.enum(EVENT_TYPES), z.number())
      .openapi({ description: 'How many events of each type this page holds.' }),
  })
  .openapi('ClickFunnel');

eventsApi.openapi(
  createRoute({
    method: 'get',
    path: '/clicks/{id}/events',
    tags: ['Events'],
    summary: "A click's funnel",
    description: 'The events of one click in the order they happened (oldest first).',
    security: bearer,
    request: { params: idParam, query: paginationQuery },
    responses: { 200: jsonOk(funnelSchema, 'Oldest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await eventsOfVisibleClick(dbOf(c.env), scopeOf(c), c.req.valid('param').id, {
      limit: q.limit,
      after: decodeCursor(q.cursor),
    });
    const result = page(rows, q.limit, presentEvent);
    const funnel = Object.fromEntries(EVENT_TYPES.map((t) => [t, result.data.filter((e) => e.type === t).length]));
    return c.json({ ...result, funnel: funnel as Record<(typeof EVENT_TYPES)[number], number> }, 200);
  },
);
