// /api/v1/links: tracked links of partners.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import { getLink, insertLink, linkSlugTaken, listLinks, softDeleteLink, updateLink } from '../../db/links';
import { getPartner } from '../../db/partners';
import type { Link, NewLink } from '../../db/schema';
import { newId, newSlug } from '../../domain/ids';
import { isReservedSlug } from '../../domain/reserved-slugs';
import { urlProblem } from '../../domain/url-policy';
import { assertVisible, requireAdmin } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { AppError, invalidRequest, notFound } from '../../http/errors';
import { originOf } from '../../http/origin';
import { page, scopedPage } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { invalidateLink } from '../../isolate/link-cache';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  type LinkCreate,
  type LinkUpdate,
  linkCreateSchema,
  linkListQuery,
  linkSchema,
  linkUpdateSchema,
} from '../../schemas/link';

export const linksApi = router();

export function presentLink(l: Link, origin: string) {
  return {
    id: l.id,
    slug: l.slug,
    shortUrl: `${origin}/${l.slug}`,
    partnerId: l.partnerId,
    destination: l.destination,
    title: l.title,
    utm: l.utm,
    params: l.params,
    fallbackUrl: l.fallbackUrl,
    expiresAt: iso(l.expiresAt),
    rules: l.rules,
    placement: l.placement,
    forwardQuery: l.forwardQuery,
    disabled: l.isDisabled,
    createdAt: iso(l.createdAt) as string,
    updatedAt: iso(l.updatedAt) as string,
  };
}

function checkLinkUrls(env: Env, body: LinkUpdate) {
  const policy = { allowLoopbackHttp: env.ENVIRONMENT === 'development' };
  const issues: { path: string[]; message: string }[] = [];
  const check = (path: string[], url: string | null | undefined) => {
    const problem = url ? urlProblem(url, policy) : null;
    if (problem) issues.push({ path, message: `${path.join('.')} ${problem}.` });
  };
  check(['destination'], body.destination);
  check(['fallbackUrl'], body.fallbackUrl);
  for (const [i, t] of (body.rules?.targets ?? []).entries()) {
    check(['rules', 'targets', String(i), 'destination'], t.destination);
  }
  for (const [i, v] of (body.rules?.variants ?? []).entries()) {
    check(['rules', 'variants', String(i), 'destination'], v.destination);
  }
  if (issues.length) throw invalidRequest(issues.map((i) => i.message).join(' '), issues);
}

async function chooseSlug(env: Env, wanted: string | undefined): Promise<string> {
  const db = dbOf(env);
  if (wanted) {
    if (isReservedSlug(wanted)) throw invalidRequest(`The slug "${wanted}" is reserved.`, [{ path: ['slug'] }]);
    if (await linkSlugTaken(db, wanted)) throw new AppError(409, 'slug_taken', `The slug "${wanted}" is already used.`);
    return wanted;
  }
  for (;;) {
    const slug = newSlug();
    if (!isReservedSlug(slug) && !(await linkSlugTaken(db, slug))) return slug;
  }
}

function columnsOf(body: LinkUpdate): Partial<NewLink> {
  const out: Partial<NewLink> = {};
  if (body.destination !== undefined) out.destination = body.destination;
  if (body.title !== undefined) out.title = body.title;
  if (body.utm !== undefined) out.utm = body.utm as Record<string, string>;
  if (body.params !== undefined) out.params = body.params;
  if (body.fallbackUrl !== undefined) out.fallbackUrl = body.fallbackUrl;
  if (body.expiresAt !== undefined) out.expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (body.rules !== undefined) out.rules = body.rules;
  if (body.placement !== undefined) out.placement = body.placement;
  if (body.forwardQuery !== undefined) out.forwardQuery = body.forwardQuery;
  if (body.disabled !== undefined) out.isDisabled = body.disabled;
  return out;
}

linksApi.openapi(
  createRoute({
    method: 'post',
    path: '/links',
    tags: ['Links'],
    summary: 'Create a tracked link',
    security: bearer,
    request: { body: jsonBody(linkCreateSchema) },
    responses: { 201: jsonOk(linkSchema, 'Created.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const body: LinkCreate = c.req.valid('json');
    checkLinkUrls(c.env, body);
    const partner = await getPartner(dbOf(c.env), body.partnerId);
    if (!partner) throw invalidRequest('No partner with this partnerId.', [{ path: ['partnerId'] }]);
    const row = await insertLink(dbOf(c.env), {
      ...columnsOf(body),
      id: newId('lnk'),
      slug: await chooseSlug(c.env, body.slug),
      partnerId: partner.id,
      destination: body.destination,
      utm: (body.utm ?? {}) as Record<string, string>,
      params: body.params ?? {},
      rules: body.rules ?? {},
    });
    invalidateLink(row.slug);
    return c.json(presentLink(row, originOf(c)), 201);
  },
);

linksApi.openapi(
  createRoute({
    method: 'get',
    path: '/links',
    tags: ['Links'],
    summary: 'List links',
    security: bearer,
    request: { query: paginationQuery.merge(linkListQuery) },
    responses: { 200: jsonOk(listOf(linkSchema, 'LinkList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listLinks(dbOf(c.env), scopedPage(c, q));
    const origin = originOf(c);
    return c.json(
      page(rows, q.limit, (l) => presentLink(l, origin)),
      200,
    );
  },
);

async function visibleLink(c: Context<AppEnv>, id: string): Promise<Link> {
  const link = await getLink(dbOf(c.env), id);
  if (!link) throw notFound('link');
  assertVisible(c, link.partnerId, 'link');
  return link;
}

linksApi.openapi(
  createRoute({
    method: 'get',
    path: '/links/{id}',
    tags: ['Links'],
    summary: 'Get a link',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(linkSchema, 'The link.'), ...errorResponses },
  }),
  async (c) => c.json(presentLink(await visibleLink(c, c.req.valid('param').id), originOf(c)), 200),
);

linksApi.openapi(
  createRoute({
    method: 'patch',
    path: '/links/{id}',
    tags: ['Links'],
    summary: 'Update a link',
    description: 'The redirect serves the change at once on this instance and everywhere within the link cache TTL.',
    security: bearer,
    request: { params: idParam, body: jsonBody(linkUpdateSchema) },
    responses: { 200: jsonOk(linkSchema, 'The updated link.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const current = await visibleLink(c, c.req.valid('param').id);
    checkLinkUrls(c.env, body);
    const patch = columnsOf(body);
    if (body.slug && body.slug !== current.slug) patch.slug = await chooseSlug(c.env, body.slug);
    const row = await updateLink(dbOf(c.env), current.id, patch);
    invalidateLink(current.slug);
    invalidateLink(row.slug);
    return c.json(presentLink(row, originOf(c)), 200);
  },
);

linksApi.openapi(
  createRoute({
    method: 'delete',
    path: '/links/{id}',
    tags: ['Links'],
    summary: 'Delete a link',
    description: 'Its slug then answers 404; its clicks are kept.',
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted.' }, ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const link = await visibleLink(c, c.req.valid('param').id);
    await softDeleteLink(dbOf(c.env), link.id);
    invalidateLink(link.slug);
    return c.body(null, 204);
  },
);
