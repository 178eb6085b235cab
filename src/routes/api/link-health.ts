// /api/v1/link-health and /api/v1/links/:id/health: results of the daily check of each link's landing page.
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { LinkCheck } from '../../db/link-health';
import { scopeOf } from '../../http/auth';
import { invalidRequest } from '../../http/errors';
import { encodeCursor } from '../../http/pagination';
import { bearer, errorResponses, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { linkCheckSchema, linkHealthQuery } from '../../schemas/link-health';
import { checksOfLink, listVisibleChecks } from '../../services/link-health';

export const linkHealthApi = router();

const presentCheck = (k: LinkCheck) => ({
  linkId: k.linkId,
  partnerId: k.partnerId,
  date: k.date,
  status: k.status as 'ok',
  statusCode: k.statusCode,
  finalUrl: k.finalUrl,
  hops: k.hops,
  error: k.error,
  checkedAt: iso(k.createdAt) as string,
});

// Checks are keyed by day and link, so the cursor is both: the date is always 10 characters.
function decodeCheckCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  let raw = '';
  try {
    raw = atob(cursor);
  } catch {}
  const m = /^(\d{4}-\d{2}-\d{2})([\w-]{1,64})$/.exec(raw);
  if (!m) throw invalidRequest('This cursor is not one the API gave.', [{ path: ['cursor'] }]);
  return [m[1] as string, m[2] as string];
}

function pageOfChecks(rows: LinkCheck[], limit: number) {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(presentCheck), nextCursor: more && last ? encodeCursor(last.date + last.linkId) : null };
}

linkHealthApi.openapi(
  createRoute({
    method: 'get',
    path: '/link-health',
    tags: ['Link health'],
    summary: 'List link-health checks',
    description:
      "Each active link's destination is requested once a day (of `REPORT_TIMEZONE`) and its redirects followed (5 at most): `broken` when no 2xx page is reached, `drops_click_id` when the landing URL lost the click id.",
    security: bearer,
    request: { query: paginationQuery.merge(linkHealthQuery) },
    responses: { 200: jsonOk(listOf(linkCheckSchema, 'LinkCheckList'), 'Newest day first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisibleChecks(dbOf(c.env), scopeOf(c), {
      limit: q.limit,
      before: decodeCheckCursor(q.cursor),
      partnerId: q.partnerId,
      linkId: q.linkId,
      status: q.status,
      date: q.date,
    });
    return c.json(pageOfChecks(rows, q.limit), 200);
  },
);

linkHealthApi.openapi(
  createRoute({
    method: 'get',
    path: '/links/{id}/health',
    tags: ['Link health'],
    summary: "A link's health checks",
    security: bearer,
    request: { params: idParam, query: paginationQuery },
    responses: { 200: jsonOk(listOf(linkCheckSchema, 'LinkHealth'), 'Newest day first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await checksOfLink(dbOf(c.env), scopeOf(c), c.req.valid('param').id, {
      limit: q.limit,
      before: decodeCheckCursor(q.cursor),
    });
    return c.json(pageOfChecks(rows, q.limit), 200);
  },
);
