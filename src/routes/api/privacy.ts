// /api/v1/privacy: erasure (GDPR article 17) and access (article 15) for one app user or visitor; admin keys only.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireAdmin } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { originOf } from '../../http/origin';
import { page, pageRequest } from '../../http/pagination';
import { bearer, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { listOf, paginationQuery } from '../../schemas/common';
import {
  erasureCountsSchema,
  erasureRecordSchema,
  erasureRequestSchema,
  personalDataSchema,
  personQuery,
} from '../../schemas/privacy';
import { ADMIN_KEY_ACTOR } from '../../services/conversion-review';
import { erasePerson, erasureRegister, personalData } from '../../services/privacy';
import { presentClick } from './clicks';
import { presentReferral } from './codes';
import { presentConversion } from './conversions';
import { presentEvent } from './events';
import { presentLog } from './postbacks';

export const privacyApi = router();

// These routes are about people, not partners: no partner key may read or erase anyone, and it
// is told so before its query or body is looked at.
privacyApi.use('/privacy/*', async (c, next) => {
  requireAdmin(c);
  return next();
});

/** Who asked for an erasure, as the register keeps it: the key's id, or `admin-key`. */
const actorOf = (c: Context<AppEnv>): string => c.get('principal').keyId ?? ADMIN_KEY_ACTOR;

const WHO =
  'Name the person by `userRef`, `visitorId` or both (neither: 400). The person is the app user id given (`userRef`, kept only as its keyed hash) and every device (`rl_vid` visitor id) seen with it, or the visitor id given and every app user seen on that device with their devices.';

privacyApi.openapi(
  createRoute({
    method: 'post',
    path: '/privacy/erasures',
    tags: ['Privacy'],
    summary: "Erase a person's data (GDPR article 17)",
    description: `${WHO} Their clicks lose the visitor id, the hashed user id, the fingerprint and the user agent; their funnel events the visitor id; their conversions the hashed customer id, visitor id and fingerprints, keeping amounts, commissions, status and attribution (accounting records); their referral codes are deleted; the postback log entries about them lose the request as received and the identifiers read from it. Answers the records changed; a second erasure answers zeros. The register of erasures keeps who asked and the counts, never the identifiers.`,
    security: bearer,
    request: { body: jsonBody(erasureRequestSchema) },
    responses: { 200: jsonOk(erasureCountsSchema, 'Records changed, per kind.'), ...errorResponses },
  }),
  async (c) => {
    const counts = await erasePerson(c.env, c.req.valid('json'), actorOf(c));
    return c.json(counts, 200);
  },
);

privacyApi.openapi(
  createRoute({
    method: 'get',
    path: '/privacy/erasures',
    tags: ['Privacy'],
    summary: 'The register of erasures',
    description:
      'Every erasure made, newest first: when, which key asked, which kind of identifier it named and the records changed. It never holds the identifiers, so that the register itself names no one (accountability, GDPR article 5(2)).',
    security: bearer,
    request: { query: paginationQuery },
    responses: { 200: jsonOk(listOf(erasureRecordSchema, 'ErasureRecordList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await erasureRegister(c.env, pageRequest(q));
    return c.json(
      page(rows, q.limit, (r) => ({
        id: r.id,
        createdAt: r.createdAt.toISOString(),
        actor: r.actor,
        byUserRef: r.byUserRef,
        byVisitorId: r.byVisitorId,
        clicks: r.clicks,
        events: r.events,
        conversions: r.conversions,
        referralCodes: r.referralCodes,
        postbackLogEntries: r.postbackLogEntries,
      })),
      200,
    );
  },
);

privacyApi.openapi(
  createRoute({
    method: 'get',
    path: '/privacy/export',
    tags: ['Privacy'],
    summary: 'What is held about a person (GDPR article 15)',
    description: `${WHO} Answers their clicks, funnel events, conversions and referral codes; after an erasure, empty lists.`,
    security: bearer,
    request: { query: personQuery },
    responses: { 200: jsonOk(personalDataSchema, 'Everything held about the person.'), ...errorResponses },
  }),
  async (c) => {
    const data = await personalData(c.env, c.req.valid('query'));
    const origin = originOf(c);
    return c.json(
      {
        clicks: data.clicks.map((click) => ({ ...presentClick(click), userAgent: click.userAgent })),
        events: data.events.map((e) => ({ ...presentEvent(e), visitorId: e.visitorId })),
        conversions: data.conversions.map(presentConversion),
        referralCodes: data.referralCodes.map((r) => presentReferral(r, origin)),
        postbackLog: data.postbackLog.map((entry) => ({ ...presentLog(entry), body: entry.body })),
      },
      200,
    );
  },
);
