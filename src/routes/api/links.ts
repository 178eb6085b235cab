// /api/v1/links: tracked links of partners.
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { Link } from '../../db/schema';
import { requireAdmin, scopeOf } from '../../http/auth';
import { originOf } from '../../http/origin';
import { page, pageRequest } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import { linkCreateSchema, linkListQuery, linkSchema, linkUpdateSchema } from '../../schemas/link';
import { createLink, editLink, listVisibleLinks, removeLink, visibleLink } from '../../services/links';

export const linksApi = router();

function presentLink(l: Link, origin: string) {
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
    requiresConsent: l.requiresConsent,
    createdAt: iso(l.createdAt) as string,
    updatedAt: iso(l.updatedAt) as string,
  };
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
    const link = await createLink(c.env, c.req.valid('json'));
    return c.json(presentLink(link, originOf(c)), 201);
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
    const rows = await listVisibleLinks(dbOf(c.env), scopeOf(c), pageRequest(q));
    const origin = originOf(c);
    return c.json(
      page(rows, q.limit, (l) => presentLink(l, origin)),
      200,
    );
  },
);

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
  async (c) => {
    const link = await visibleLink(dbOf(c.env), scopeOf(c), c.req.valid('param').id);
    return c.json(presentLink(link, originOf(c)), 200);
  },
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
    const link = await editLink(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentLink(link, originOf(c)), 200);
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
    await removeLink(dbOf(c.env), scopeOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);
