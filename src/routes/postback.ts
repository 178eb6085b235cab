// GET|POST /pb/:partnerSlug: the HTTP edge of conversion postbacks (intake is services/postback-intake.ts), and their OpenAPI description.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context';
import { readBodyText } from '../http/request-body';
import { router } from '../http/validation';
import { errorSchema } from '../schemas/common';
import { postbackAnswerSchema } from '../schemas/conversion';
import { intakePostback } from '../services/postback-intake';

export const postbackRoutes = router();

/** Hands the request to intake as plain data, and its reply back as a Response. */
async function handlePostback(c: Context<AppEnv>): Promise<Response> {
  const req = c.req.raw;
  const header = (name: string) => req.headers.get(name);
  const reply = await intakePostback(c.env, {
    method: req.method === 'POST' ? 'POST' : 'GET',
    partnerSlug: c.req.param('partnerSlug') ?? '',
    readBody: () => readBodyText(req),
    query: new URL(req.url).searchParams,
    headers: {
      contentType: header('content-type'),
      webhookId: header('webhook-id'),
      webhookTimestamp: header('webhook-timestamp'),
      webhookSignature: header('webhook-signature'),
      authorization: header('authorization'),
      cookie: header('cookie'),
    },
    clientIp: header('cf-connecting-ip'),
    receivedAt: new Date(),
  });
  return new Response(reply.body, {
    status: reply.status,
    headers: { 'content-type': reply.contentType, 'cache-control': 'no-store', ...reply.headers },
  });
}

postbackRoutes.on(['GET', 'POST'], '/pb/:partnerSlug', handlePostback);

const errorContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

const postbackResponses = {
  200: {
    description:
      'Stored (`recorded`), already stored with the same status and refunded total (`duplicate`) or changed (`updated`: a new status, or `refundedAmount`, the total refunded so far); the partner’s answer template as text/plain when it has one.',
    content: { 'application/json': { schema: postbackAnswerSchema } },
  },
  400: errorContent(
    'A field is missing or not valid (`invalid_request`, one issue per field in `details`, such as a `refundedAmount` above the amount); a real postback with a `webhook-id` starting with `dryrun_` (`dry_run_id`) or with the id of an earlier dry run (`dry_run_replay`).',
  ),
  401: errorContent('Bad or missing token (`invalid_token`) or signature (`invalid_signature`).'),
  403: errorContent(
    'Address not allowed (`ip_not_allowed`), method turned off (`auth_method_disabled`), partner paused, ended or not active yet (`partner_inactive`).',
  ),
  404: errorContent('No partner with this slug.'),
  409: errorContent(
    'Status change not allowed, or a refund of a rejected conversion (`invalid_transition`); a `refundedAmount` below the total refunded already (`invalid_refund`).',
  ),
  413: errorContent('Body larger than 256 KiB (`payload_too_large`).'),
  415: errorContent('Body neither JSON nor a form (`unsupported_media_type`).'),
  429: errorContent(
    'Rate limited (`rate_limited`), see `Retry-After`: too many postbacks for the partner or from the address, or too many failed ones from the address (60, then one every 2 s), after which the address is refused whatever it sends until `Retry-After` has passed.',
  ),
};

const slugParam = z.object({
  partnerSlug: z.string().openapi({ param: { name: 'partnerSlug', in: 'path' }, example: 'autodoc' }),
});
const dryRunQuery = z.object({
  dryRun: z.enum(['1', 'true']).optional().openapi({ description: 'Answer what would happen and store nothing.' }),
});

const signedDryRunQuery = z.object({
  dryRun: z.enum(['1', 'true']).optional().openapi({
    description:
      'Answer what would happen and store nothing; takes nothing from the partner’s rate limit. The URL is not signed, so give a dry run a `webhook-id` starting with `dryrun_`: the signature then covers the flag, and that id is refused (400 `dry_run_id`) without `?dryRun=1`. A dry run under any other id spends that id: a real postback reusing it is refused (400 `dry_run_replay`).',
  }),
});

postbackRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/pb/{partnerSlug}',
  tags: ['Postbacks'],
  summary: 'Report a conversion (signed)',
  description:
    "Signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`, 5-minute tolerance) with the partner's signing secret: the way partners should post. Body: JSON or form, in the partner's own parameter names (`postbackParams`). A repeated `webhook-id` gets the first answer again, as `duplicate`. At most 100 postbacks a second per partner (bursts of 200) and 200 per address. A dry run (`?dryRun=1`) should carry a `webhook-id` starting with `dryrun_`.",
  request: {
    params: slugParam,
    query: signedDryRunQuery,
    body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
  },
  responses: postbackResponses,
});

postbackRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/pb/{partnerSlug}',
  tags: ['Postbacks'],
  summary: 'Report a conversion (token)',
  description:
    "For networks that can only call a URL: the partner's parameters in the query string, and the partner's postback token, in an `Authorization: Bearer <token>` header when the sender can set one (it then stays out of the URL, which access logs keep), else as `token`. The header wins when both are sent. Prefer signed POSTs: a token is a bearer secret, and a GET is not signed.",
  request: {
    params: slugParam,
    query: dryRunQuery.extend({
      token: z
        .string()
        .optional()
        .openapi({ description: 'The partner postback token, when it is not sent as `Authorization: Bearer`.' }),
    }),
    headers: z.object({
      authorization: z.string().optional().openapi({
        description: '`Bearer <partner postback token>`: the token outside the URL.',
        example: 'Bearer pbt_...',
      }),
    }),
  },
  responses: postbackResponses,
});
