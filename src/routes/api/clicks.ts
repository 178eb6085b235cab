// /api/v1/clicks: recorded clicks, newest first; partner keys see their own partner's only.
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { Click } from '../../db/schema';
import { timeZoneOf } from '../../domain/calendar';
import { scopeOf } from '../../http/auth';
import { page, pageRequest } from '../../http/pagination';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { viewFor } from '../../http/views';
import { type ClickView, clickListQuery, clickPublicSchema, clickSchema } from '../../schemas/click';
import { byKey, idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { listVisibleClicks, visibleClick } from '../../services/clicks';

export const clicksApi = router();

/** A stored click as the API shows it: the user hash, fingerprint and user agent stay inside. */
export function presentClick(c: Click): ClickView {
  return {
    id: c.id,
    linkId: c.linkId === '' ? null : c.linkId,
    partnerId: c.partnerId,
    createdAt: iso(c.createdAt) as string,
    recordedAt: iso(c.recordedAt) as string,
    visitorId: c.visitorId,
    isBot: c.isBot,
    botReason: c.botReason,
    unique: c.isUnique,
    device: c.device,
    os: c.os,
    browser: c.browser,
    country: c.country,
    language: c.language,
    referrerHost: c.referrerHost,
    subIds: { sub1: c.sub1, sub2: c.sub2, sub3: c.sub3, sub4: c.sub4, sub5: c.sub5 },
    utm: { source: c.utmSource, medium: c.utmMedium, campaign: c.utmCampaign },
    placement: c.placement,
    variant: c.variant,
    destination: c.destination,
    deepLinkRefused: c.deepLinkRefused,
    hasUser: c.uidHash !== null,
    source: c.source,
    referralCode: c.referralCode,
  };
}

clicksApi.openapi(
  createRoute({
    method: 'get',
    path: '/clicks',
    tags: ['Clicks'],
    summary: 'List recorded clicks',
    description:
      'Newest first. A click is listed at most a few seconds after its redirect was served (clicks are written in batches).',
    security: bearer,
    request: { query: paginationQuery.merge(clickListQuery) },
    responses: {
      200: jsonOk(listOf(byKey(clickSchema, clickPublicSchema), 'ClickList'), 'Newest first.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisibleClicks(dbOf(c.env), c.env.HASH_KEY, scopeOf(c), {
      ...pageRequest(q),
      linkId: q.linkId,
      from: q.from,
      to: q.to,
      timeZone: timeZoneOf(c.env.REPORT_TIMEZONE),
    });
    return c.json(page(rows, q.limit, viewFor(c, clickPublicSchema, presentClick)), 200);
  },
);

clicksApi.openapi(
  createRoute({
    method: 'get',
    path: '/clicks/{id}',
    tags: ['Clicks'],
    summary: 'Get a click',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(byKey(clickSchema, clickPublicSchema), 'The click.'), ...errorResponses },
  }),
  async (c) => {
    const click = await visibleClick(dbOf(c.env), c.env.HASH_KEY, scopeOf(c), c.req.valid('param').id);
    return c.json(viewFor(c, clickPublicSchema, presentClick)(click), 200);
  },
);
