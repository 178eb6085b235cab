// GET /e (a pixel that never fails) and POST /e (beacons, with CORS for partners' domains): funnel events.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Partner } from '../db/schema';
import { funnelEventSchema } from '../domain/event-fields';
import { optedOut } from '../domain/identity';
import type { AppEnv } from '../http/context';
import { AppError } from '../http/errors';
import { bodyParams, paramsOf, readBodyText } from '../http/request-body';
import { router } from '../http/validation';
import { errorSchema } from '../schemas/common';
import { intakeEvent, isPreflightAllowed } from '../services/event-intake';
import { isOriginAllowed, originNotAllowed } from '../services/events';

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
  // A pixel on a partner's page must never break it: whatever goes wrong (a refused field, a rate
  // limit), the GIF is answered, and nothing is stored.
  try {
    await intakeEvent(c.env, {
      readParams: async () => paramsOf(new URL(c.req.url).searchParams),
      cookie: c.req.header('cookie') ?? null,
      isOptedOut: optedOut(c.req.raw.headers),
      clientIp: c.req.header('cf-connecting-ip') ?? null,
      checkOrigin: () => {},
    });
  } catch (err) {
    if (!(err instanceof AppError))
      console.error('event pixel failed', err instanceof Error ? err.message : String(err));
  }
  return pixel();
});

eventRoutes.options('/e', async (c) => {
  const origin = c.req.header('origin') ?? null;
  const allowed = await isPreflightAllowed(c.env, {
    origin,
    partnerSlug: new URL(c.req.url).searchParams.get('partner'),
    clientIp: c.req.header('cf-connecting-ip') ?? null,
  });
  const headers: Record<string, string> = { vary: 'Origin' };
  if (allowed && origin) Object.assign(headers, corsHeaders(origin));
  return new Response(null, { status: 204, headers });
});

async function handleBeacon(c: Context<AppEnv>): Promise<Response> {
  const origin = c.req.header('origin') ?? null;
  let cors: Record<string, string> = { vary: 'Origin' };
  try {
    const recorded = await intakeEvent(c.env, {
      readParams: async () => {
        const body = await readBodyText(c.req.raw, MAX_EVENT_BYTES);
        return {
          ...paramsOf(new URL(c.req.url).searchParams),
          ...bodyParams(c.req.header('content-type') ?? null, body),
        };
      },
      cookie: c.req.header('cookie') ?? null,
      isOptedOut: optedOut(c.req.raw.headers),
      clientIp: c.req.header('cf-connecting-ip') ?? null,
      // Without an Origin the sender is a server or the same site: nothing for CORS to protect.
      checkOrigin: (partner: Partner | null) => {
        if (!origin) return;
        if (!partner || !isOriginAllowed(origin, partner.allowedDomains)) throw originNotAllowed();
        cors = corsHeaders(origin);
      },
    });
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

const FIELDS_DOC =
  'Fields: `type` (or `event`), `clickId` (or `click_id`, `cid`), `partner` (slug), `value` (a number, or a token of at most 32 letters, digits, `_` or `-`), `amount` (major units, two decimals at most), `currency` (ISO 4217), `sku` (at most 64 letters, digits, `.`, `_`, `/` or `-`), `quantity` (1-9999). Other fields are dropped; a field that does not fit its type refuses the event. At most 20 events a second per client address (bursts of 100).';

eventRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/e',
  tags: ['Events'],
  summary: 'Record a funnel event (pixel)',
  description: `Always answers a 1x1 GIF (no-store), whatever the input: an event refused (a field that does not fit, a rate limit) is simply not recorded. ${FIELDS_DOC}`,
  request: { query: funnelEventSchema },
  responses: { 200: { description: 'A transparent GIF.', content: { 'image/gif': { schema: z.string() } } } },
});

eventRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/e',
  tags: ['Events'],
  summary: 'Record a funnel event (beacon)',
  description: `JSON body (sent as application/json or text/plain, as \`navigator.sendBeacon\` does). From a browser, the Origin must be an https page on the partner's allowed domains; it is then reflected for CORS with credentials. ${FIELDS_DOC}`,
  request: { body: { content: { 'application/json': { schema: funnelEventSchema } } } },
  responses: {
    200: {
      description: 'Recorded.',
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('recorded'), eventId: z.string(), clickId: z.string().nullable() }),
        },
      },
    },
    400: errorContent(
      'A field that does not fit its type, an unknown type or partner (`invalid_request`, the field in `details`).',
    ),
    403: errorContent('Origin not on the partner’s domains (`origin_not_allowed`).'),
    413: errorContent('Body larger than 16 KiB.'),
    429: errorContent('Too many events from this address (`rate_limited`), see `Retry-After`.'),
  },
});
