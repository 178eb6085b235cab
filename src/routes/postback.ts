// GET|POST /pb/:partnerSlug: partners' conversion postbacks, authenticated, rate limited, logged, answered once stored.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../db/client';
import { intakeSnapshot } from '../db/conversions';
import { getPartnerBySlug } from '../db/partners';
import { insertLogAndReceipt, insertPostbackLog, type NewPostbackLogRow } from '../db/postback-log';
import type { Partner } from '../db/schema';
import { constantTimeEqual, keyedHash } from '../domain/hashing';
import { visitorIdOf } from '../domain/identity';
import { newId } from '../domain/ids';
import { isIpAllowed } from '../domain/ip-allowlist';
import { open } from '../domain/secret-box';
import { verifyWebhook } from '../domain/standard-webhooks';
import type { AppEnv } from '../http/context';
import { AppError } from '../http/errors';
import { bodyParams, paramsOf, readBodyText } from '../http/request-body';
import { router } from '../http/validation';
import { ipBucket, partnerBucket, postbackLimits, takeToken } from '../isolate/rate-limit';
import { errorSchema } from '../schemas/common';
import { postbackAnswerSchema } from '../schemas/conversion';
import { type PostbackAnswer, processPostback, readPostback, redactParams } from '../services/postbacks';

export const postbackRoutes = router();

/** Signed deliveries older or newer than this are refused, which bounds replays of a captured request. */
const TOLERANCE_SEC = 300;

const isTrue = (v: string | null) => v === '1' || v === 'true';

const rateLimited = (retryAfterSec: number, what: string) =>
  new AppError(
    429,
    'rate_limited',
    `Too many postbacks from this ${what}; retry after ${retryAfterSec} s.`,
    undefined,
    {
      'Retry-After': String(retryAfterSec),
    },
  );

/**
 * Checks the caller against the partner's settings: its IP allowlist, then a Standard Webhooks
 * signature for POST (the current secret, and the previous one during the 24 h after a rotation)
 * or the postback token for GET (compared as keyed hashes, in constant time).
 */
async function authenticate(
  env: Env,
  partner: Partner,
  req: Request,
  url: URL,
  body: string,
  clientIp: string | null,
  nowMs: number,
): Promise<void> {
  if (!isIpAllowed(partner.ipAllowlist, clientIp)) {
    throw new AppError(403, 'ip_not_allowed', "The caller's address is not on this partner's IP allowlist.");
  }
  if (req.method === 'GET') {
    if (!partner.acceptTokenPostbacks) {
      throw new AppError(
        403,
        'auth_method_disabled',
        'This partner does not accept token postbacks; POST signed ones.',
      );
    }
    const token = url.searchParams.get('token');
    if (!token) throw new AppError(401, 'invalid_token', 'Send the partner postback token as ?token=.');
    const hash = await keyedHash(env.HASH_KEY, 'postback-token', token);
    if (!constantTimeEqual(hash, partner.postbackTokenHash)) {
      throw new AppError(401, 'invalid_token', 'This postback token is not valid for this partner.');
    }
    return;
  }
  if (!partner.acceptSignedPostbacks) {
    throw new AppError(
      403,
      'auth_method_disabled',
      'This partner does not accept signed postbacks; use GET with its token.',
    );
  }
  const secrets = [await open(env.SECRETS_KEY, partner.signingSecretEnc)];
  if (
    partner.previousSecretEnc &&
    partner.previousSecretExpiresAt &&
    partner.previousSecretExpiresAt.getTime() > nowMs
  ) {
    secrets.push(await open(env.SECRETS_KEY, partner.previousSecretEnc));
  }
  const verdict = await verifyWebhook(
    secrets,
    {
      id: req.headers.get('webhook-id'),
      timestamp: req.headers.get('webhook-timestamp'),
      signature: req.headers.get('webhook-signature'),
    },
    body,
    Math.floor(nowMs / 1000),
    TOLERANCE_SEC,
  );
  if (!verdict.ok) throw new AppError(401, 'invalid_signature', `${verdict.message}.`, { reason: verdict.code });
}

function respond(answer: PostbackAnswer, extra: Record<string, string> = {}): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: { 'content-type': answer.contentType, 'cache-control': 'no-store', ...extra },
  });
}

async function handlePostback(c: Context<AppEnv>): Promise<Response> {
  const env = c.env;
  const db = dbOf(env);
  const req = c.req.raw;
  const url = new URL(req.url);
  const receivedAt = new Date();
  const dryRun = isTrue(url.searchParams.get('dryRun'));
  const clientIp = req.headers.get('cf-connecting-ip');
  const webhookId = req.method === 'POST' ? (req.headers.get('webhook-id')?.slice(0, 200) ?? null) : null;
  const log: NewPostbackLogRow & { id: string } = {
    id: newId('pbl', receivedAt.getTime()),
    partnerId: null,
    partnerSlug: c.req.param('partnerSlug') ?? '',
    method: req.method,
    outcome: 'rejected',
    httpStatus: 0,
    webhookId,
    contentType: req.headers.get('content-type')?.slice(0, 200) ?? null,
    ipHash: clientIp ? await keyedHash(env.HASH_KEY, 'postback-ip', clientIp) : null,
    isAuthenticated: false,
  };
  try {
    const body = req.method === 'POST' ? await readBodyText(req) : '';
    const limits = postbackLimits(env);
    const [ipVerdict, partner] = await Promise.all([
      log.ipHash ? takeToken(env, ipBucket(log.ipHash), limits.ip) : null,
      getPartnerBySlug(db, log.partnerSlug),
    ]);
    if (ipVerdict && !ipVerdict.allowed) throw rateLimited(ipVerdict.retryAfterSec, 'address');
    if (!partner) throw new AppError(404, 'not_found', `No partner with the slug "${log.partnerSlug}".`);
    log.partnerId = partner.id;
    // Reading the parameters is pure: done now so that the lookups below can use them, but a
    // malformed request is only told so once it has proved who sent it.
    let params: Record<string, unknown> = {};
    let malformed: unknown = null;
    if (req.method === 'GET') {
      params = paramsOf(url.searchParams);
      delete params.dryRun;
      delete params.token;
    } else {
      try {
        params = bodyParams(log.contentType ?? null, body);
      } catch (err) {
        malformed = err;
      }
    }
    const read = malformed ? null : readPostback(partner, params, receivedAt);
    // The partner's bucket, the credentials and what is stored already do not depend on each
    // other: they are checked together, and acted upon in that order.
    const [partnerVerdict, authFailure, snapshot] = await Promise.all([
      takeToken(env, partnerBucket(partner.id), limits.partner),
      authenticate(env, partner, req, url, body, clientIp, receivedAt.getTime()).then(
        () => null,
        (err: unknown) => err,
      ),
      intakeSnapshot(db, {
        partnerId: partner.id,
        webhookId: dryRun ? null : webhookId,
        key: read?.ok
          ? { transactionId: read.input.transactionId, event: read.input.event, at: read.input.occurredAt }
          : undefined,
      }),
    ]);
    if (!partnerVerdict.allowed) throw rateLimited(partnerVerdict.retryAfterSec, 'partner');
    if (authFailure) throw authFailure;
    log.isAuthenticated = true;
    if (malformed) throw malformed;
    const redacted = redactParams(params, partner.postbackParams);
    log.request = redacted;
    if (req.method === 'POST') {
      log.body = (log.contentType ?? '').startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(
            Object.entries(redacted).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)])),
          ).toString()
        : JSON.stringify(redacted);
    }
    if (snapshot.receipt) {
      await insertPostbackLog(db, { ...log, outcome: 'duplicate', httpStatus: snapshot.receipt.status });
      return respond(snapshot.receipt, { 'idempotent-replayed': 'true' });
    }

    const outcome = await processPostback(db, env, {
      partner,
      params,
      dryRun,
      receivedAt,
      visitorId: visitorIdOf(req.headers.get('cookie')),
      ...(read ? { read } : {}),
      ...(read?.ok ? { snapshot } : {}),
    });
    const done = {
      ...log,
      outcome: dryRun ? 'dry_run' : outcome.result.status,
      httpStatus: outcome.answer.status,
      parsed: outcome.parsed,
      conversionId: dryRun ? null : outcome.result.conversion.id,
    };
    if (webhookId && !dryRun) {
      await insertLogAndReceipt(db, done, { partnerId: partner.id, webhookId, answer: outcome.retryAnswer });
    } else {
      await insertPostbackLog(db, done);
    }
    return respond(outcome.answer);
  } catch (err) {
    // Refusals by the rate limiter are not logged: under a flood, logging would be the flood.
    if (!(err instanceof AppError && err.status === 429)) {
      const status = err instanceof AppError ? err.status : 500;
      const code = err instanceof AppError ? err.code : 'internal_error';
      const message = err instanceof AppError ? err.message : 'internal error';
      await insertPostbackLog(db, { ...log, httpStatus: status, errorCode: code, errorMessage: message }).catch((e) =>
        console.error('postback log write failed', e instanceof Error ? e.message : String(e)),
      );
    }
    throw err;
  }
}

postbackRoutes.on(['GET', 'POST'], '/pb/:partnerSlug', handlePostback);

const errorContent = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
});

const postbackResponses = {
  200: {
    description:
      'Stored (`recorded`), already stored (`duplicate`) or status changed (`updated`); the partner’s answer template as text/plain when it has one.',
    content: { 'application/json': { schema: postbackAnswerSchema } },
  },
  400: errorContent('A field is missing or not valid (`invalid_request`, one issue per field in `details`).'),
  401: errorContent('Bad or missing token (`invalid_token`) or signature (`invalid_signature`).'),
  403: errorContent(
    'Address not allowed (`ip_not_allowed`), method turned off (`auth_method_disabled`), partner paused, ended or not active yet (`partner_inactive`).',
  ),
  404: errorContent('No partner with this slug.'),
  409: errorContent('Status change not allowed (`invalid_transition`).'),
  413: errorContent('Body larger than 256 KiB (`payload_too_large`).'),
  415: errorContent('Body neither JSON nor a form (`unsupported_media_type`).'),
  429: errorContent('Rate limited (`rate_limited`), see `Retry-After`.'),
};

const slugParam = z.object({
  partnerSlug: z.string().openapi({ param: { name: 'partnerSlug', in: 'path' }, example: 'autodoc' }),
});
const dryRunQuery = z.object({
  dryRun: z.enum(['1', 'true']).optional().openapi({ description: 'Answer what would happen and store nothing.' }),
});

postbackRoutes.openAPIRegistry.registerPath({
  method: 'post',
  path: '/pb/{partnerSlug}',
  tags: ['Postbacks'],
  summary: 'Report a conversion (signed)',
  description:
    "Signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`, 5-minute tolerance) with the partner's signing secret. Body: JSON or form, in the partner's own parameter names (`postbackParams`). A repeated `webhook-id` gets the first answer again, as `duplicate`. At most 100 postbacks a second per partner (bursts of 200) and 200 per address.",
  request: {
    params: slugParam,
    query: dryRunQuery,
    body: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
  },
  responses: postbackResponses,
});

postbackRoutes.openAPIRegistry.registerPath({
  method: 'get',
  path: '/pb/{partnerSlug}',
  tags: ['Postbacks'],
  summary: 'Report a conversion (token)',
  description: "For networks that can only call a URL: the partner's parameters in the query string plus `token`.",
  request: {
    params: slugParam,
    query: dryRunQuery.extend({ token: z.string().openapi({ description: 'The partner postback token.' }) }),
  },
  responses: postbackResponses,
});
