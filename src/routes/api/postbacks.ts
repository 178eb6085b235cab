// /api/v1/postbacks: the postback log, the counts of failed attempts, and replays of logged postbacks by an admin.
import { createRoute } from '@hono/zod-openapi';
import type { PostbackFailureRow } from '../../db/postback-failures';
import type { PostbackLogRow } from '../../db/postback-log';
import { parsedForPartner } from '../../domain/postback-log-entry';
import type { POSTBACK_OUTCOMES } from '../../domain/postback-outcome';
import { requireAdmin, scopeOf } from '../../http/auth';
import { page, pageRequest } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonOk, router } from '../../http/validation';
import { viewFor } from '../../http/views';
import { byKey, idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  postbackFailureListQuery,
  postbackFailurePublicSchema,
  postbackFailureSchema,
  postbackListQuery,
  postbackLogPublicSchema,
  postbackLogSchema,
  replayAnswerSchema,
  replayQuery,
} from '../../schemas/conversion';
import { listVisiblePostbackFailures } from '../../services/postback-failures';
import { isReplayable, listVisiblePostbacks, replayLoggedPostback } from '../../services/postback-log';

export const postbacksApi = router();

export const presentLog = (r: PostbackLogRow) => ({
  id: r.id,
  partnerId: r.partnerId,
  partnerSlug: r.partnerSlug,
  method: r.method,
  outcome: r.outcome as (typeof POSTBACK_OUTCOMES)[number],
  httpStatus: r.httpStatus,
  errorCode: r.errorCode,
  errorMessage: r.errorMessage,
  webhookId: r.webhookId,
  request: r.request,
  parsed: r.parsed,
  conversionId: r.conversionId,
  replayable: isReplayable(r),
  replayOf: r.replayOf,
  createdAt: iso(r.createdAt) as string,
});

const presentFailure = (r: PostbackFailureRow) => ({
  id: r.id,
  minute: iso(r.minute) as string,
  partnerId: r.partnerId,
  partnerSlug: r.partnerSlug,
  ipHash: r.ipHash,
  errorCode: r.errorCode,
  httpStatus: r.httpStatus,
  count: r.count,
  lastAt: iso(r.lastAt) as string,
});

postbacksApi.openapi(
  createRoute({
    method: 'get',
    path: '/postbacks',
    tags: ['Postbacks'],
    summary: 'List received postbacks',
    description:
      'Every postback that passed authentication, accepted or not, newest first, with what was read from it or why it was refused. Postbacks refused before (unknown slug, bad token or signature, address not allowed) are counted instead, at `/api/v1/postbacks/failures`; those refused by a rate limit are not kept. A partner key sees its own.',
    security: bearer,
    request: { query: paginationQuery.merge(postbackListQuery) },
    responses: {
      200: jsonOk(listOf(byKey(postbackLogSchema, postbackLogPublicSchema), 'PostbackLogList'), 'Newest first.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisiblePostbacks(c.env, scopeOf(c), { ...pageRequest(q), outcome: q.outcome });
    const toPartner = (r: PostbackLogRow) => ({ ...presentLog(r), parsed: parsedForPartner(r.parsed) });
    return c.json(page(rows, q.limit, viewFor(c, postbackLogPublicSchema, presentLog, toPartner)), 200);
  },
);

postbacksApi.openapi(
  createRoute({
    method: 'get',
    path: '/postbacks/failures',
    tags: ['Postbacks'],
    summary: 'Count failed postback attempts',
    description:
      'Postbacks refused before their sender proved who it is (unknown slug `not_found`, `invalid_token`, `invalid_signature`, `ip_not_allowed`, `auth_method_disabled`, `payload_too_large`), counted per partner, client address (its keyed hash), error code and minute, newest minute first. Slugs that name no partner are counted together, with a null `partnerId` (admins only). Attempts from an address refused for failing too often (429) are not counted. A partner key sees its own, without the address hashes.',
    security: bearer,
    request: { query: paginationQuery.merge(postbackFailureListQuery) },
    responses: {
      200: jsonOk(
        listOf(byKey(postbackFailureSchema, postbackFailurePublicSchema), 'PostbackFailureCountList'),
        'Newest minute first.',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisiblePostbackFailures(c.env, scopeOf(c), {
      ...pageRequest(q),
      errorCode: q.errorCode,
    });
    return c.json(page(rows, q.limit, viewFor(c, postbackFailurePublicSchema, presentFailure)), 200);
  },
);

postbacksApi.openapi(
  createRoute({
    method: 'post',
    path: '/postbacks/{id}/replay',
    tags: ['Postbacks'],
    summary: 'Replay a logged postback',
    description:
      "Runs a logged postback through intake again with the partner's current settings (after fixing its parameter names, say), without authenticating it again: only postbacks that passed authentication can be replayed (else 409 `not_replayable`). With `dryRun=1` nothing is stored. The replay is logged too.",
    security: bearer,
    request: { params: idParam, query: replayQuery },
    responses: {
      200: jsonOk(replayAnswerSchema, 'What the postback was answered.'),
      ...errorResponses,
      ...conflictResponse,
    },
  }),
  async (c) => {
    requireAdmin(c);
    const dryRun = ['1', 'true'].includes(c.req.valid('query').dryRun ?? '');
    return c.json(await replayLoggedPostback(c.env, scopeOf(c), c.req.valid('param').id, { dryRun }), 200);
  },
);
