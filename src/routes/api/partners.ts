// /api/v1/partners: partners' lifecycle, settings and secrets.
import { createRoute, z } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { CommissionPlan } from '../../db/intake';
import type { PartnerNetwork } from '../../db/networks';
import type { PlanState } from '../../domain/commission-plan';
import { AWIN_API_BASE } from '../../domain/networks/settings';
import { requireAdmin, scopeOf } from '../../http/auth';
import { originOf } from '../../http/origin';
import { decodeCursor, page } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { viewFor } from '../../http/views';
import { byKey, idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  type CommissionPlanView,
  commissionPlanSchema,
  networkSyncResultSchema,
  networkSyncSchema,
  type PartnerView,
  partnerCreatedSchema,
  partnerCreateSchema,
  partnerListQuery,
  partnerPublicSchema,
  partnerSchema,
  partnerUpdateSchema,
  partnerWithPushSecretSchema,
  partnerWithSecretsSchema,
} from '../../schemas/partner';
import { cancelScheduledPlan, listPartnerPlans } from '../../services/commission-plans';
import { syncPartnerNetwork } from '../../services/network-sync';
import {
  createPartner,
  editPartner,
  listVisiblePartners,
  type PartnerRecord,
  type PartnerWithSecrets,
  partnerRecord,
  removePartner,
  rotatePartnerPushSecret,
  rotatePartnerSecrets,
} from '../../services/partners';

export const partnersApi = router();

/** A plan as the partner object names its next one. */
function presentScheduled(p: PlanState<CommissionPlan>) {
  return {
    id: p.id,
    effectiveFrom: p.effectiveDate,
    effectiveAt: p.effectiveFrom.toISOString(),
    rules: p.rules as CommissionPlanView['rules'],
  };
}

function presentPlan(p: PlanState<CommissionPlan>): CommissionPlanView {
  return { ...presentScheduled(p), status: p.status, createdAt: iso(p.createdAt) as string };
}

function presentPartner(p: PartnerRecord, origin: string): PartnerView {
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
    requiresConsent: p.requiresConsent,
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
    legalName: p.legalName,
    address: p.address,
    vatNumber: p.vatNumber,
    paymentTermsDays: p.paymentTermsDays,
    vatRate: p.vatRateBp === null ? null : p.vatRateBp / 100,
    scheduledCommissionPlan: p.scheduledPlan ? presentScheduled(p.scheduledPlan) : null,
    postbackUrl: `${origin}/pb/${p.slug}`,
    network: p.network && { type: p.network.type as 'awin' | 'json', ...networkSettingsView(p.network) },
    lastSync: p.network?.lastSyncAt
      ? { at: iso(p.network.lastSyncAt) as string, ok: p.network.lastSyncOk === true, error: p.network.lastSyncError }
      : null,
    createdAt: iso(p.createdAt) as string,
    updatedAt: iso(p.updatedAt) as string,
  };
}

/** A network's settings as answered: the token is never among them; Awin's host is named even when it is the default. */
function networkSettingsView(network: PartnerNetwork): Record<string, unknown> {
  return network.type === 'awin'
    ? { advertiserId: null, ...network.settings, apiBase: network.settings.apiBase ?? AWIN_API_BASE }
    : network.settings;
}

/** A partner with its new secrets in clear, answered this once. */
function presentWithSecrets(created: PartnerWithSecrets, origin: string) {
  return {
    ...presentPartner(created.partner, origin),
    postbackToken: created.postbackToken,
    signingSecret: created.signingSecret,
  };
}

partnersApi.openapi(
  createRoute({
    method: 'post',
    path: '/partners',
    tags: ['Partners'],
    summary: 'Create a partner',
    description:
      'Answers the partner with its postback token, its postback signing secret and its push signing secret, shown this once.',
    security: bearer,
    request: { body: jsonBody(partnerCreateSchema) },
    responses: { 201: jsonOk(partnerCreatedSchema, 'Created.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const created = await createPartner(c.env, c.req.valid('json'));
    return c.json({ ...presentWithSecrets(created, originOf(c)), pushSigningSecret: created.pushSigningSecret }, 201);
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
    responses: {
      200: jsonOk(listOf(byKey(partnerSchema, partnerPublicSchema), 'PartnerList'), 'Newest first.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisiblePartners(c.env, scopeOf(c), {
      limit: q.limit,
      before: decodeCursor(q.cursor),
      status: q.status,
      integration: q.integration,
    });
    const origin = originOf(c);
    return c.json(
      page(
        rows,
        q.limit,
        viewFor(c, partnerPublicSchema, (p: PartnerRecord) => presentPartner(p, origin)),
      ),
      200,
    );
  },
);

partnersApi.openapi(
  createRoute({
    method: 'get',
    path: '/partners/{id}',
    tags: ['Partners'],
    summary: 'Get a partner',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(byKey(partnerSchema, partnerPublicSchema), 'The partner.'), ...errorResponses },
  }),
  async (c) => {
    const partner = await partnerRecord(c.env, scopeOf(c), c.req.valid('param').id);
    const origin = originOf(c);
    return c.json(viewFor(c, partnerPublicSchema, (p: PartnerRecord) => presentPartner(p, origin))(partner), 200);
  },
);

partnersApi.openapi(
  createRoute({
    method: 'patch',
    path: '/partners/{id}',
    tags: ['Partners'],
    summary: 'Update a partner',
    description:
      "New `commissionRules` start a new commission plan: at once, or from the start of `effectiveFrom` (today or later) in the programme's `REPORT_TIMEZONE`. Conversions already recorded keep their commission; each new one is priced by the plan in force when it occurred. `effectiveFrom` without `commissionRules`, or before today, is 400. A change of `currency` once the partner has conversions is 409 `currency_in_use`.",
    security: bearer,
    request: { params: idParam, body: jsonBody(partnerUpdateSchema) },
    responses: { 200: jsonOk(partnerSchema, 'The updated partner.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const row = await editPartner(c.env, scopeOf(c), c.req.valid('param').id, c.req.valid('json'));
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
    await removePartner(dbOf(c.env), scopeOf(c), c.req.valid('param').id);
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
      'The previous signing secret stays valid for 24 hours so that the partner can switch without losing postbacks; the previous token stops at once. The push signing secret is left as it is (see rotate-push-secret).',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(partnerWithSecretsSchema, 'The partner with its new secrets.'), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const rotated = await rotatePartnerSecrets(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json(presentWithSecrets(rotated, originOf(c)), 200);
  },
);

partnersApi.openapi(
  createRoute({
    method: 'post',
    path: '/partners/{id}/rotate-push-secret',
    tags: ['Partners'],
    summary: 'Issue a new push signing secret',
    description:
      'The daily pushes are signed with the new secret and, for 24 hours, with the previous one too (two entries in `webhook-signature`), so that the receiver can switch without refusing a push. The postback token and signing secret are left as they are.',
    security: bearer,
    request: { params: idParam },
    responses: {
      200: jsonOk(partnerWithPushSecretSchema, 'The partner with its new push signing secret.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(c);
    const rotated = await rotatePartnerPushSecret(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json(
      { ...presentPartner(rotated.partner, originOf(c)), pushSigningSecret: rotated.pushSigningSecret },
      200,
    );
  },
);

const planParams = z.object({
  id: idParam.shape.id,
  planId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'planId', in: 'path' } }),
});

partnersApi.openapi(
  createRoute({
    method: 'get',
    path: '/partners/{id}/commission-plans',
    tags: ['Partners'],
    summary: "List a partner's commission plans",
    description:
      "Every version of the commission rules, oldest first, all in one page (`nextCursor` is null): past ones, the one in force (`current`) and those scheduled. A partner key sees its own partner's.",
    security: bearer,
    request: { params: idParam },
    responses: {
      200: jsonOk(listOf(commissionPlanSchema, 'CommissionPlanList'), 'Oldest first.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const plans = await listPartnerPlans(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json({ data: plans.map(presentPlan), nextCursor: null }, 200);
  },
);

partnersApi.openapi(
  createRoute({
    method: 'delete',
    path: '/partners/{id}/commission-plans/{planId}',
    tags: ['Partners'],
    summary: 'Cancel a scheduled commission plan',
    description:
      'Only a plan that has not started: the plan in force until then stays in force. A plan that has taken effect is 409 `plan_started`.',
    security: bearer,
    request: { params: planParams },
    responses: { 204: { description: 'Cancelled.' }, ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const { id, planId } = c.req.valid('param');
    await cancelScheduledPlan(c.env, scopeOf(c), id, planId);
    return c.body(null, 204);
  },
);

partnersApi.openapi(
  createRoute({
    method: 'post',
    path: '/partners/{id}/network-sync',
    tags: ['Partners'],
    summary: "Read the partner's conversions from its affiliate network now",
    description:
      "The sync that also runs hourly: the network's transactions of `from`..`to` (by default from a week before the last sync, or 31 days back for the first, up to now; a `to` after now is read up to now; at most 186 days) are read in windows of at most 31 days and recorded as conversions of the partner, exactly once each, as postbacks are: new ones `imported`, status changes, partial refunds (a lower sale amount) and commission changes `updated`, the rest `unchanged`; `failed` counts those that could not be recorded. The network's commission is stored as the truth; one that differs from the partner's rules by more than one minor unit of its currency (a cent in euros) is flagged `commission_mismatch`. Whatever the network answers (HTTP errors, a refused token, a malformed answer), the answer is 200 with what was done and `lastSync` saying how it went; the rest is read by the next sync. 409 `no_network` for a partner not connected; 429 `rate_limited` (with `Retry-After`) while the network has asked Relais to wait.",
    security: bearer,
    request: { params: idParam, body: { ...jsonBody(networkSyncSchema), required: false } },
    responses: {
      200: jsonOk(networkSyncResultSchema, 'What the sync did.'),
      ...errorResponses,
      ...conflictResponse,
    },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json') ?? {};
    const report = await syncPartnerNetwork(c.env, scopeOf(c), c.req.valid('param').id, {
      from: body.from,
      to: body.to,
    });
    const { imported, updated, unchanged, failed, lastSync } = report;
    return c.json(
      { imported, updated, unchanged, failed, lastSync: { ...lastSync, at: lastSync.at.toISOString() } },
      200,
    );
  },
);
