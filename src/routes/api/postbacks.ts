// /api/v1/postbacks: the postback log, the counts of failed attempts, and replays of logged postbacks by an admin.
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import { getPartner } from '../../db/partners';
import type { PostbackFailureRow } from '../../db/postback-failures';
import { getPostbackLog, insertPostbackLog, listPostbackLog, type PostbackLogRow } from '../../db/postback-log';
import { newId } from '../../domain/ids';
import { type ParsedForLog, parsedForPartner } from '../../domain/postback-log-entry';
import type { POSTBACK_OUTCOMES } from '../../domain/postback-outcome';
import { assertVisible, requireAdmin, scopeOf } from '../../http/auth';
import { AppError, notFound } from '../../http/errors';
import { page, pageRequest, scopedPage } from '../../http/pagination';
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
import { replayPostback } from '../../services/postback-replay';

export const postbacksApi = router();

const presentLog = (r: PostbackLogRow) => ({
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
  replayable: r.isAuthenticated && r.partnerId !== null,
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
    const rows = await listPostbackLog(dbOf(c.env), {
      ...scopedPage(c, q),
      outcome: q.outcome,
    });
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
    const rows = await listVisiblePostbackFailures(dbOf(c.env), scopeOf(c), {
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
    const db = dbOf(c.env);
    const original = await getPostbackLog(db, c.req.valid('param').id);
    if (!original) throw notFound('postback');
    assertVisible(c, original.partnerId, 'postback');
    const partner = original.partnerId ? await getPartner(db, original.partnerId) : undefined;
    if (!original.isAuthenticated || !partner || !original.request) {
      throw new AppError(409, 'not_replayable', 'Only postbacks that passed authentication can be replayed.');
    }
    const dryRun = ['1', 'true'].includes(c.req.valid('query').dryRun ?? '');
    const before = original.parsed as Partial<ParsedForLog> | null;
    const receivedAt = new Date();
    const log = {
      id: newId('pbl', receivedAt.getTime()),
      partnerId: partner.id,
      partnerSlug: partner.slug,
      method: original.method,
      webhookId: original.webhookId,
      request: original.request,
      contentType: original.contentType,
      body: original.body,
      ipHash: original.ipHash,
      isAuthenticated: true,
      replayOf: original.id,
    };
    try {
      const outcome = await replayPostback(db, c.env, {
        partner,
        params: original.request,
        dryRun,
        receivedAt,
        visitorId: before?.visitorId ?? null,
        ...(before?.fingerprints
          ? { kept: { customerHash: before.customerHash ?? null, fingerprints: before.fingerprints } }
          : {}),
      });
      await insertPostbackLog(db, {
        ...log,
        outcome: dryRun ? 'dry_run' : outcome.result.status,
        httpStatus: outcome.answer.status,
        parsed: outcome.parsed,
        conversionId: dryRun ? null : outcome.result.conversion.id,
      });
      const answer = outcome.answer.contentType.startsWith('application/json')
        ? JSON.parse(outcome.answer.body)
        : outcome.answer.body;
      return c.json({ logId: log.id, httpStatus: outcome.answer.status, answer }, 200);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await insertPostbackLog(db, {
        ...log,
        outcome: 'rejected',
        httpStatus: err.status,
        errorCode: err.code,
        errorMessage: err.message,
      });
      return c.json({ logId: log.id, httpStatus: err.status, answer: err.toBody() }, 200);
    }
  },
);
