// /api/v1/partners: partners' lifecycle, settings and secrets.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import {
  getPartner,
  insertPartner,
  listPartners,
  slugTaken,
  softDeletePartner,
  updatePartner,
} from '../../db/partners';
import type { NewPartner, Partner } from '../../db/schema';
import { newId, randomToken } from '../../domain/ids';
import { slugify } from '../../domain/slugify';
import { urlProblem } from '../../domain/url-policy';
import { assertVisible, requireAdmin, scopedPartnerId } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { AppError, invalidRequest, notFound } from '../../http/errors';
import { originOf } from '../../http/origin';
import { decodeCursor, page } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { invalidatePartnerLinks } from '../../isolate/link-cache';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  type PartnerCreate,
  type PartnerUpdate,
  type PartnerView,
  partnerCreateSchema,
  partnerListQuery,
  partnerSchema,
  partnerUpdateSchema,
  partnerWithSecretsSchema,
} from '../../schemas/partner';
import { issuePartnerSecrets } from '../../services/partners';

export const partnersApi = router();

export function presentPartner(p: Partner, origin: string): PartnerView {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    status: p.status,
    integration: p.integration,
    category: p.category,
    allowedDomains: p.allowedDomains,
    commissionRules: p.commissionRules as PartnerView['commissionRules'],
    cookieDays: p.cookieDays,
    attributionWindowDays: p.attributionWindowDays,
    lockDays: p.lockDays,
    trackingTemplate: p.trackingTemplate,
    postbackParams: p.postbackParams,
    webhookUrl: p.webhookUrl,
    pushCorrections: p.pushCorrections,
    websiteUrl: p.websiteUrl,
    currency: p.currency,
    clickIdParam: p.clickIdParam,
    affiliateParams: p.affiliateParams,
    statusMap: p.statusMap,
    amountsInMinorUnits: p.amountsInMinorUnits,
    answerTemplate: p.answerTemplate,
    reportColumns: p.reportColumns,
    acceptSignedPostbacks: p.acceptSignedPostbacks,
    acceptTokenPostbacks: p.acceptTokenPostbacks,
    ipAllowlist: p.ipAllowlist,
    notes: p.notes,
    postbackUrl: `${origin}/pb/${p.slug}`,
    createdAt: iso(p.createdAt) as string,
    updatedAt: iso(p.updatedAt) as string,
  };
}

function checkUrls(env: Env, body: Partial<PartnerCreate>) {
  const local = env.ENVIRONMENT === 'development';
  const issues: { path: string[]; message: string }[] = [];
  if (body.webhookUrl) {
    const problem = urlProblem(body.webhookUrl, { allowLoopbackHttp: local, forbidIpLiterals: true });
    if (problem) issues.push({ path: ['webhookUrl'], message: `webhookUrl ${problem}.` });
  }
  if (body.websiteUrl) {
    const problem = urlProblem(body.websiteUrl, { allowLoopbackHttp: local });
    if (problem) issues.push({ path: ['websiteUrl'], message: `websiteUrl ${problem}.` });
  }
  if (
    body.trackingTemplate &&
    !/^https:\/\//.test(body.trackingTemplate) &&
    !(local && /^http:\/\/(127\.|localhost)/.test(body.trackingTemplate))
  ) {
    issues.push({ path: ['trackingTemplate'], message: 'trackingTemplate must be an https URL.' });
  }
  if (issues.length) throw invalidRequest(issues.map((i) => i.message).join(' '), issues);
}

/** Settings columns shared by create and update (everything but identity and secrets). */
function settingsOf(body: PartnerUpdate): Partial<NewPartner> {
  const out: Partial<NewPartner> = {};
  const keys = [
    'name',
    'status',
    'integration',
    'category',
    'allowedDomains',
    'cookieDays',
    'attributionWindowDays',
    'lockDays',
    'trackingTemplate',
    'postbackParams',
    'webhookUrl',
    'pushCorrections',
    'websiteUrl',
    'currency',
    'clickIdParam',
    'affiliateParams',
    'statusMap',
    'amountsInMinorUnits',
    'answerTemplate',
    'reportColumns',
    'acceptSignedPostbacks',
    'acceptTokenPostbacks',
    'ipAllowlist',
    'notes',
  ] as const;
  for (const k of keys) if (body[k] !== undefined) (out as Record<string, unknown>)[k] = body[k];
  if (out.allowedDomains) out.allowedDomains = [...new Set(out.allowedDomains)];
  return out;
}

async function uniqueSlug(c: Context<AppEnv>, wanted: string | undefined, name: string): Promise<string> {
  const db = dbOf(c.env);
  if (wanted) {
    if (await slugTaken(db, wanted)) throw new AppError(409, 'slug_taken', `The slug "${wanted}" is already used.`);
    return wanted;
  }
  const base = slugify(name);
  for (let i = 0; i < 20; i++) {
    const candidate = i === 0 ? base : `${base}-${i + 1}`;
    if (!(await slugTaken(db, candidate))) return candidate;
  }
  return `${base}-${randomToken(3).toLowerCase()}`;
}

partnersApi.openapi(
  createRoute({
    method: 'post',
    path: '/partners',
    tags: ['Partners'],
    summary: 'Create a partner',
    description: 'Answers the partner with its postback token and signing secret, shown this once.',
    security: bearer,
    request: { body: jsonBody(partnerCreateSchema) },
    responses: { 201: jsonOk(partnerWithSecretsSchema, 'Created.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    checkUrls(c.env, body);
    const secrets = await issuePartnerSecrets(c.env);
    const row = await insertPartner(dbOf(c.env), {
      ...settingsOf(body),
      id: newId('ptn'),
      slug: await uniqueSlug(c, body.slug, body.name),
      name: body.name,
      status: body.status,
      integration: body.integration,
      category: body.category,
      allowedDomains: [...new Set(body.allowedDomains)],
      commissionRules: body.commissionRules,
      postbackParams: body.postbackParams ?? {},
      statusMap: body.statusMap ?? {},
      affiliateParams: body.affiliateParams ?? {},
      reportColumns: body.reportColumns ?? {},
      ipAllowlist: body.ipAllowlist ?? [],
      ...secrets.stored,
    });
    return c.json(
      {
        ...presentPartner(row, originOf(c)),
        postbackToken: secrets.postbackToken,
        signingSecret: secrets.signingSecret,
      },
      201,
    );
  },
);

partnersApi.openapi(
  createRoute({
    method: 'get',
    path: '/partners',
    tags: ['Partners'],
    summary: 'List partners',
    description: 'A partner key sees only its own partner.',
    security: bearer,
    request: { query: paginationQuery.merge(partnerListQuery) },
    responses: { 200: jsonOk(listOf(partnerSchema, 'PartnerList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listPartners(dbOf(c.env), {
      limit: q.limit,
      before: decodeCursor(q.cursor),
      status: q.status,
      integration: q.integration,
      onlyId: scopedPartnerId(c, undefined),
    });
    const origin = originOf(c);
    return c.json(
      page(rows, q.limit, (p) => presentPartner(p, origin)),
      200,
    );
  },
);

async function visiblePartner(c: Context<AppEnv>, id: string): Promise<Partner> {
  const p = await getPartner(dbOf(c.env), id);
  if (!p) throw notFound('partner');
  assertVisible(c, p.id, 'partner');
  return p;
}

partnersApi.openapi(
  createRoute({
    method: 'get',
    path: '/partners/{id}',
    tags: ['Partners'],
    summary: 'Get a partner',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(partnerSchema, 'The partner.'), ...errorResponses },
  }),
  async (c) => c.json(presentPartner(await visiblePartner(c, c.req.valid('param').id), originOf(c)), 200),
);

/** `ended` is the end of a partnership: a new one is a new partner, so its history stays apart. */
function checkLifecycle(from: Partner['status'], to: Partner['status'] | undefined) {
  if (to && from === 'ended' && to !== 'ended') {
    throw new AppError(409, 'invalid_transition', 'An ended partnership cannot be reopened; create a new partner.', {
      from,
      to,
    });
  }
}

partnersApi.openapi(
  createRoute({
    method: 'patch',
    path: '/partners/{id}',
    tags: ['Partners'],
    summary: 'Update a partner',
    description: 'New `commissionRules` apply from now on; conversions already recorded keep their commission.',
    security: bearer,
    request: { params: idParam, body: jsonBody(partnerUpdateSchema) },
    responses: { 200: jsonOk(partnerSchema, 'The updated partner.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const current = await visiblePartner(c, c.req.valid('param').id);
    checkUrls(c.env, body);
    checkLifecycle(current.status, body.status);
    const patch = settingsOf(body);
    delete patch.commissionRules;
    if (body.slug && body.slug !== current.slug) patch.slug = await uniqueSlug(c, body.slug, current.name);
    const row = await updatePartner(dbOf(c.env), current.id, patch, body.commissionRules);
    invalidatePartnerLinks(current.id);
    return c.json(presentPartner(row, originOf(c)), 200);
  },
);

partnersApi.openapi(
  createRoute({
    method: 'delete',
    path: '/partners/{id}',
    tags: ['Partners'],
    summary: 'Delete a partner',
    description: 'Its links stop tracking; its clicks, conversions and reports are kept.',
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted.' }, ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const p = await visiblePartner(c, c.req.valid('param').id);
    await softDeletePartner(dbOf(c.env), p.id);
    invalidatePartnerLinks(p.id);
    return c.body(null, 204);
  },
);

partnersApi.openapi(
  createRoute({
    method: 'post',
    path: '/partners/{id}/rotate-secrets',
    tags: ['Partners'],
    summary: 'Issue a new postback token and signing secret',
    description:
      'The previous signing secret stays valid for 24 hours so that the partner can switch without losing postbacks; the previous token stops at once.',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(partnerWithSecretsSchema, 'The partner with its new secrets.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const p = await visiblePartner(c, c.req.valid('param').id);
    const secrets = await issuePartnerSecrets(c.env);
    const row = await updatePartner(dbOf(c.env), p.id, {
      ...secrets.stored,
      previousSecretEnc: p.signingSecretEnc,
      previousSecretExpiresAt: new Date(Date.now() + 24 * 3600_000),
    });
    return c.json(
      {
        ...presentPartner(row, originOf(c)),
        postbackToken: secrets.postbackToken,
        signingSecret: secrets.signingSecret,
      },
      200,
    );
  },
);
