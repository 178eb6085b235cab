// /api/v1/clicks: recorded clicks, newest first; partner keys see their own partner's only.
import { createRoute } from '@hono/zod-openapi';
import { getClick, listClicks } from '../../db/clicks';
import { dbOf } from '../../db/client';
import type { Click } from '../../db/schema';
import { assertVisible } from '../../http/auth';
import { notFound } from '../../http/errors';
import { page, scopedPage } from '../../http/pagination';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { type ClickView, clickListQuery, clickSchema } from '../../schemas/click';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';

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

/** A date alone means its start for `from` and its whole day for `to`. */
function boundMs(value: string | undefined, end: boolean): number | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return end ? start + 86_400_000 - 1 : start;
  }
  return Date.parse(value);
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
    responses: { 200: jsonOk(listOf(clickSchema, 'ClickList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listClicks(dbOf(c.env), {
      ...scopedPage(c, q),
      linkId: q.linkId,
      fromMs: boundMs(q.from, false),
      toMs: boundMs(q.to, true),
    });
    return c.json(page(rows, q.limit, presentClick), 200);
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
    responses: { 200: jsonOk(clickSchema, 'The click.'), ...errorResponses },
  }),
  async (c) => {
    const row = await getClick(dbOf(c.env), c.req.valid('param').id);
    if (!row) throw notFound('click');
    assertVisible(c, row.partnerId, 'click');
    return c.json(presentClick(row), 200);
  },
);
