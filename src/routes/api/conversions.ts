// /api/v1/conversions: listing, reading with history, status changes, refunds and attribution by hand.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findClick } from '../../db/attribution';
import { dbOf } from '../../db/client';
import { type ConversionHistoryRow, historyOf } from '../../db/conversions';
import type { Conversion } from '../../db/schema';
import { timeZoneOf } from '../../domain/calendar';
import { minorToMajor } from '../../domain/money';
import { attributionView } from '../../domain/postback-answer';
import { requireAdmin, scopeOf } from '../../http/auth';
import type { AppEnv } from '../../http/context';
import { notFound } from '../../http/errors';
import { page, pageRequest } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  attributeBodySchema,
  type ConversionView,
  conversionListQuery,
  conversionPatchSchema,
  conversionSchema,
  conversionWithHistorySchema,
} from '../../schemas/conversion';
import { listVisibleConversions } from '../../services/conversion-list';
import {
  ADMIN_KEY_ACTOR,
  reviewConversion,
  visibleConversion,
  visibleConversionWithHistory,
} from '../../services/conversion-review';
import { attachClick } from '../../services/conversions';

export const conversionsApi = router();

/** A stored conversion as the API shows it: money in major units, hashes left out. */
export function presentConversion(c: Conversion): ConversionView {
  const major = (minor: number) => minorToMajor(minor, c.currency);
  const reporting = (minor: number | null) => (minor === null ? null : minorToMajor(minor, c.reportingCurrency));
  return {
    id: c.id,
    partnerId: c.partnerId,
    transactionId: c.transactionId,
    event: c.event,
    status: c.status,
    rawStatus: c.rawStatus,
    amount: major(c.amountMinor),
    refundedAmount: major(c.refundedAmountMinor),
    currency: c.currency,
    commission: major(c.commissionMinor),
    earnedCommission: major(c.earnedCommissionMinor),
    commissionDetail: c.commissionDetail,
    // Figures in the partner's currency only where they differ from the conversion's own.
    ...(c.currency !== c.reportingCurrency && {
      reportingCurrency: c.reportingCurrency,
      exchangeRate: c.exchangeRate === null ? null : Number(c.exchangeRate),
      converted: c.exchangeRate !== null,
      reportingAmount: reporting(c.reportingAmountMinor),
      reportingCommission: reporting(c.reportingCommissionMinor),
    }),
    category: c.category,
    items:
      c.items?.map((i) => ({
        ...(i.category !== undefined && { category: i.category }),
        amount: major(i.amountMinor),
        ...(i.refundedAmountMinor !== undefined && { refundedAmount: major(i.refundedAmountMinor) }),
        ...(i.sku !== undefined && { sku: i.sku }),
        ...(i.quantity !== undefined && { quantity: i.quantity }),
      })) ?? null,
    coupon: c.coupon,
    referralCode: c.referralCode,
    reportedClickId: c.reportedClickId,
    attribution: attributionView(c),
    occurredAt: iso(c.occurredAt) as string,
    approvedAt: iso(c.approvedAt),
    reversalReason: c.reversalReason,
    createdAt: iso(c.createdAt) as string,
    updatedAt: iso(c.updatedAt) as string,
  };
}

function presentHistory(h: ConversionHistoryRow, currency: string) {
  const major = (minor: number | null) => (minor === null ? null : minorToMajor(minor, currency));
  return {
    id: h.id,
    fromStatus: h.fromStatus as Conversion['status'] | null,
    toStatus: h.toStatus as Conversion['status'],
    amount: major(h.amountMinor),
    refundedAmount: major(h.refundedAmountMinor),
    commissionBefore: major(h.commissionBeforeMinor),
    commission: major(h.commissionMinor),
    reason: h.reason,
    source: h.source,
    actor: h.actor,
    createdAt: iso(h.createdAt) as string,
  };
}

const presentWithHistory = (row: Conversion, history: ConversionHistoryRow[]) => ({
  ...presentConversion(row),
  history: history.map((h) => presentHistory(h, row.currency)),
});

/** Who is changing a conversion through the API, as its history keeps it: the key's id. */
const actorOf = (c: Context<AppEnv>): string => c.get('principal').keyId ?? ADMIN_KEY_ACTOR;

async function withHistory(c: Context<AppEnv>, row: Conversion) {
  return presentWithHistory(row, await historyOf(dbOf(c.env), row.id));
}

conversionsApi.openapi(
  createRoute({
    method: 'get',
    path: '/conversions',
    tags: ['Conversions'],
    summary: 'List conversions',
    description: 'Newest first. `from` and `to` bound the time the conversion occurred. A partner key sees its own.',
    security: bearer,
    request: { query: paginationQuery.merge(conversionListQuery) },
    responses: { 200: jsonOk(listOf(conversionSchema, 'ConversionList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisibleConversions(c.env, scopeOf(c), {
      ...pageRequest(q),
      status: q.status,
      method: q.method,
      from: q.from,
      to: q.to,
      timeZone: timeZoneOf(c.env.REPORT_TIMEZONE),
    });
    return c.json(page(rows, q.limit, presentConversion), 200);
  },
);

conversionsApi.openapi(
  createRoute({
    method: 'get',
    path: '/conversions/{id}',
    tags: ['Conversions'],
    summary: 'Get a conversion with its history',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(conversionWithHistorySchema, 'The conversion and every change.'), ...errorResponses },
  }),
  async (c) => {
    const { conversion, history } = await visibleConversionWithHistory(c.env, scopeOf(c), c.req.valid('param').id);
    return c.json(presentWithHistory(conversion, history), 200);
  },
);

conversionsApi.openapi(
  createRoute({
    method: 'patch',
    path: '/conversions/{id}',
    tags: ['Conversions'],
    summary: 'Change the status of a conversion, or refund it',
    description:
      'Status: pending -> approved, rejected or reversed; approved -> reversed; anything else is 409 `invalid_transition`. Rejecting pays nothing. `refundedAmount` is the total refunded so far: below the amount, a partial refund (the status stays, or moves as asked; the commission is computed again on what remains of each order line); the whole amount, or `reversed` without it, reverses the conversion (commission 0). The same status and total again change nothing. A total above the amount is 400 `invalid_request`; below what is refunded already, 409 `invalid_refund`; a refund of a rejected conversion, 409 `invalid_transition`.',
    security: bearer,
    request: { params: idParam, body: jsonBody(conversionPatchSchema) },
    responses: { 200: jsonOk(conversionWithHistorySchema, 'The conversion.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const row = await reviewConversion(c.env, scopeOf(c), c.req.valid('param').id, body, actorOf(c));
    return c.json(await withHistory(c, row), 200);
  },
);

conversionsApi.openapi(
  createRoute({
    method: 'post',
    path: '/conversions/{id}/attribute',
    tags: ['Conversions'],
    summary: 'Attribute a conversion to a click by hand',
    description:
      'Only for a conversion attributed to nothing (`none`; else 409 `already_attributed`), to a human click of its partner made before it.',
    security: bearer,
    request: { params: idParam, body: jsonBody(attributeBodySchema) },
    responses: { 200: jsonOk(conversionWithHistorySchema, 'The conversion.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const { clickId } = c.req.valid('json');
    const current = await visibleConversion(c.env, scopeOf(c), c.req.valid('param').id);
    const db = dbOf(c.env);
    const row = await attachClick(db, current.id, await findClick(db, clickId), actorOf(c));
    if (!row) throw notFound('conversion');
    return c.json(await withHistory(c, row), 200);
  },
);
