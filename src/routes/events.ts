// GET /e (a pixel that never fails) and POST /e (beacons, with CORS for partners' domains): funnel events.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../db/client';
import { partnerDomains } from '../db/events';
import { getPartnerBySlug } from '../db/partners';
import type { Partner } from '../db/schema';
import { EVENT_TYPES } from '../domain/funnel-event';
import { visitorIdOf } from '../domain/identity';
import type { AppEnv } from '../http/context';
import { AppError } from '../http/errors';
import { bodyParams, paramsOf, readBodyText } from '../http/request-body';
import { router } from '../http/validation';
import { errorSchema } from '../schemas/common';
import { isOriginAllowed, originNotAllowed, readEvent, recordEvent } from '../services/events';

export const eventRoutes = router();

/** Events are small: a type, a click id and a few values. */
const MAX_EVENT_BYTES = 16 * 1024;

// A transparent 1x1 GIF (42 bytes).
const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (ch) =>
  ch.charCodeAt(0),
);

const pixel = () =>
  new Response(PIXEL, {
    status: 200,
    headers: {
      'content-type': 'image/gif',
      'cache-control': 'no-store, max-age=0',
      'content-length': String(PIXEL.byteLength),
    },
  });

// Preflights name no partner: they are checked against every partner's domains, kept a minute per isolate.
let domainsCache: { atMs: number; domains: string[] } | null = null;
async function anyPartnerDomains(env: Env): Promise<string[]> {
  if (domainsCache && Date.now() - domainsCache.atMs < 60_000) return domainsCache.domains;
  const rows = await partnerDomains(dbOf(env));
  domainsCache = { atMs: Date.now(), domains: rows.flatMap((r) => r.allowedDomains) };
  return domainsCache.domains;
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '86400',
    vary: 'Origin',
  };
}

eventRoutes.get('/e', async (c) => {
  // A pixel on a partner's page must never break it: whatever goes wrong, the GIF is answered.
  try {
    const url = new URL(c.req.url);
    const input = readEvent(paramsOf(url.searchParams));
    await recordEvent(dbOf(c.env), input, visitorIdOf(c.req.header('cookie')), () => {});
  } catch (err) {
    if (!(err instanceof AppError))
      console.error('event pixel failed', err instanceof Error ? err.message : String(err));
  }
  return pixel();
});

eventRoutes.options('/e', async (c) => {
  const origin = c.req.header('origin') ?? null;
  const slug = new URL(c.req.url).searchParams.get('partner');
  const named = slug ? await getPartnerBySlug(dbOf(c.env), slug) : undefined;
  const domains = named ? named.allowedDomains : slug ? [] : await anyPartnerDomains(c.env);
  const headers: Record<string, string> = { vary: 'Origin' };
  if (origin && isOriginAllowed(origin, domains)) Object.assign(headers, corsHeaders(origin));
  return new Response(null, { status: 204, headers });
});

async function handleBeacon(c: Context<AppEnv>): Promise<Response> {
  const origin = c.req.header('origin') ?? null;
  let cors: Record<string, string> = { vary: 'Origin' };
  try {
    const body = await readBodyText(c.req.raw, MAX_EVENT_BYTES);
    const url = new URL(c.req.url);
    const params = { ...paramsOf(url.searchParams), ...bodyParams(c.req.header('content-type') ?? null, body) };
    const input = readEvent(params);
    // Without an Origin the sender is a server or the same site: nothing for CORS to protect.
    const checkOrigin = (partner: Partner | null) => {
      if (!origin) return;
      if (!partner || !isOriginAllowed(origin, partner.allowedDomains)) throw originNotAllowed();
      cors = corsHeaders(origin);
    };
    const recorded = await recordEvent(dbOf(c.env), input, visitorIdOf(c.req.header('cookie')), checkOrigin);
    return c.json({ status: 'recorded', eventId: recorded.id, clickId: recorded.clickId }, 200, cors);
  } catch (err) {
    if (err instanceof AppError)
      throw new AppError(err.status, err.code, err.message, err.details, { ...err.headers, ...cors });
    throw err;
  }
}

eventRoutes.post('/e', handleBeacon);

const errorContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

const eventQuery = z.object({
  type: z.enum(EVENT_TYPES),
  click_id: z.string().optional().openapi({ description: 'The click id; without it, the `rl_vid` cookie is used.' }),
  partner: z.string().optional().openapi({ description: 'Partner slug, to pick among the visitor’s clicks.' }),
});

eventRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/e',
  tags: ['Events'],
  summary: 'Record a funnel event (pixel)',
  description:
    'Always answers a 1x1 GIF (no-store), whatever the input; bad input is simply not recorded. Other query parameters are kept as the event’s values (at most 20).',
  request: { query: eventQuery },
  responses: { 200: { description: 'A transparent GIF.', content: { 'image/gif': { schema: z.string() } } } },
});

eventRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/e',
  tags: ['Events'],
  summary: 'Record a funnel event (beacon)',
  description:
    "JSON body (sent as application/json or text/plain, as `navigator.sendBeacon` does): `{type, clickId?, partner?, value?}`. From a browser, the Origin must be an https page on the partner's allowed domains; it is then reflected for CORS with credentials.",
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            type: z.enum(EVENT_TYPES),
            clickId: z.string().optional(),
            partner: z.string().optional(),
            value: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Recorded.',
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('recorded'), eventId: z.string(), clickId: z.string().nullable() }),
        },
      },
    },
    400: errorContent('Bad type or click id (`invalid_request`).'),
    403: errorContent('Origin not on the partner’s domains (`origin_not_allowed`).'),
    413: errorContent('Body larger than 16 KiB.'),
  },
});
