// Awin's publisher API: the transactions of a window by date of sale, validation and amendment, each read as a conversion.
import { z } from 'zod';
import type { ConversionStatus } from '../conversion-status';
import { type AmountResult, isCurrencyCode, minorUnitsOf, parseAmount } from '../money';
import type { AnswerRead, NetworkConnector, NetworkRequest, TransactionRead } from './connector';
import { AWIN_API_BASE, type AwinSettings } from './settings';
import { MAX_WINDOW_DAYS, type SyncWindow, wallClockUtc } from './sync-windows';

/**
 * The dates a window is listed by, in this order: transactions made in it, then those validated
 * (approved or declined) and those amended in it, which may have been made long before. Awin's
 * public reference documents `transaction` and `validation`; `amendment` is asked as an optional
 * call (a 400 to it is passed over), amended transactions being found by their validation too.
 */
export const AWIN_DATE_TYPES = ['transaction', 'validation', 'amendment'] as const;
const OPTIONAL_DATE_TYPES: ReadonlySet<string> = new Set(['amendment']);

/** Awin's `commissionStatus` -> ours. */
export const AWIN_STATUSES: Readonly<Record<string, ConversionStatus>> = {
  pending: 'pending',
  approved: 'approved',
  declined: 'rejected',
  deleted: 'reversed',
};

const money = z.object({ amount: z.number().nonnegative(), currency: z.string() });

/** The fields of Awin's documented transaction that Relais reads; the others are let through unread. */
const awinTransactionSchema = z.object({
  id: z.union([z.int(), z.string().regex(/^\d+$/)]),
  advertiserId: z.union([z.int(), z.string()]).nullish(),
  commissionStatus: z.string(),
  commissionAmount: money,
  saleAmount: money,
  clickRefs: z.object({ clickRef: z.string().nullish() }).passthrough().nullish(),
  transactionDate: z.string(),
  orderRef: z.string().nullish(),
  voucherCode: z.string().nullish(),
  declineReason: z.string().nullish(),
  amendReason: z.string().nullish(),
  transactionParts: z
    .array(z.object({ amount: z.number().nonnegative(), commissionGroupCode: z.string().nullish() }).passthrough())
    .nullish(),
});
type AwinTransaction = z.infer<typeof awinTransactionSchema>;

/**
 * The Awin connector of a partner. Calls are
 * `GET {apiBase}/publishers/{publisherId}/transactions/?startDate=&endDate=&timezone=UTC&dateType=&advertiserId=`
 * with `Authorization: Bearer <token>`, dates written `2026-11-01T00:00:00` in UTC.
 * @example awinConnector({ publisherId: '45628' }).requests(window, 'token')[0].url
 * // 'https://api.awin.com/publishers/45628/transactions/?startDate=2026-11-01T00%3A00%3A00&endDate=...&timezone=UTC&dateType=transaction'
 */
export function awinConnector(settings: AwinSettings): NetworkConnector {
  const base = (settings.apiBase ?? AWIN_API_BASE).replace(/\/+$/, '');
  return {
    maxWindowDays: MAX_WINDOW_DAYS,
    requests(window: SyncWindow, accessToken: string): NetworkRequest[] {
      return AWIN_DATE_TYPES.map((dateType) => {
        const query = new URLSearchParams({
          startDate: wallClockUtc(window.from),
          endDate: wallClockUtc(window.to),
          timezone: 'UTC',
          dateType,
        });
        if (settings.advertiserId) query.set('advertiserId', settings.advertiserId);
        return {
          url: `${base}/publishers/${encodeURIComponent(settings.publisherId)}/transactions/?${query}`,
          headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
          ...(OPTIONAL_DATE_TYPES.has(dateType) && { isOptional: true }),
        };
      });
    },
    read(body: unknown): AnswerRead {
      if (!Array.isArray(body)) return { ok: false, message: 'the answer is not a list of transactions' };
      const mine = settings.advertiserId
        ? body.filter((t) => !isObject(t) || t.advertiserId == null || String(t.advertiserId) === settings.advertiserId)
        : body;
      return { ok: true, transactions: mine.map(readAwinTransaction) };
    },
  };
}

/**
 * One of Awin's transactions as a conversion: `orderRef` (else `id`) as its transaction id, the
 * click id from `clickRefs.clickRef`, `saleAmount` as its amount and `commissionAmount` as its
 * commission, `transactionParts` as its order lines (by commission group) when they add up to
 * the sale, `voucherCode` as its coupon, `commissionStatus` mapped by `AWIN_STATUSES`.
 * @example readAwinTransaction({ id: 1, commissionStatus: 'declined', ... }) // { ok: true, transaction: { input: { status: 'rejected', ... } } }
 */
export function readAwinTransaction(raw: unknown): TransactionRead {
  const id = isObject(raw) && raw.id != null ? String(raw.id) : null;
  const parsed = awinTransactionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, id, message: `${issue?.path.join('.') || 'transaction'}: ${issue?.message ?? 'invalid'}` };
  }
  const t = parsed.data;
  const status = AWIN_STATUSES[t.commissionStatus.toLowerCase()];
  if (!status) return { ok: false, id, message: `commissionStatus "${t.commissionStatus}" is not one of Awin's` };
  const currency = t.saleAmount.currency.toUpperCase();
  if (!isCurrencyCode(currency)) return { ok: false, id, message: `saleAmount.currency "${currency}" is not ISO 4217` };
  if (t.commissionAmount.currency.toUpperCase() !== currency) {
    return { ok: false, id, message: `the commission is in ${t.commissionAmount.currency}, the sale in ${currency}` };
  }
  const amount = awinAmount(t.saleAmount.amount, currency);
  const commission = awinAmount(t.commissionAmount.amount, currency);
  if (!amount.ok) return { ok: false, id, message: `saleAmount ${amount.message}` };
  if (!commission.ok) return { ok: false, id, message: `commissionAmount ${commission.message}` };
  const occurredAt = awinDate(t.transactionDate);
  if (!occurredAt) return { ok: false, id, message: `transactionDate "${t.transactionDate}" is not a date` };
  const items = orderLines(t, currency, amount.amountMinor);
  const clickId = t.clickRefs?.clickRef?.trim();
  const orderRef = t.orderRef?.trim();
  const coupon = t.voucherCode?.trim();
  const reason = (status === 'rejected' ? t.declineReason : t.amendReason)?.trim();
  return {
    ok: true,
    transaction: {
      commissionMinor: commission.amountMinor,
      networkRef: String(t.id),
      input: {
        transactionId: (orderRef || String(t.id)).slice(0, 200),
        event: 'sale',
        amountMinor: amount.amountMinor,
        currency,
        status,
        rawStatus: t.commissionStatus,
        occurredAt,
        ...(clickId ? { clickId: clickId.slice(0, 200) } : {}),
        ...(coupon ? { coupon: coupon.slice(0, 100).toUpperCase() } : {}),
        ...(reason ? { reason: reason.slice(0, 1000) } : {}),
        ...(items ? { items } : {}),
      },
    },
  };
}

/** The transaction's parts as order lines, when they add up to the sale (else the sale is one line). */
function orderLines(t: AwinTransaction, currency: string, amountMinor: number) {
  const parts = t.transactionParts ?? [];
  if (parts.length === 0 || parts.length > 500) return undefined;
  const lines = parts.map((p) => {
    const amount = awinAmount(p.amount, currency);
    const category = p.commissionGroupCode?.trim().slice(0, 100);
    return { amountMinor: amount.ok ? amount.amountMinor : -1, ...(category ? { category } : {}) };
  });
  const total = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  return lines.every((l) => l.amountMinor >= 0) && total === amountMinor ? lines : undefined;
}

/**
 * One of Awin's amounts in minor units of `currency`. Awin computes commissions as percentages and
 * may write more decimals than the currency has (9.605 EUR): the amount is rounded half away from
 * zero to the currency's minor unit, on its decimal digits (never on a binary float's error),
 * rather than the whole transaction refused.
 * @example awinAmount(9.605, 'EUR') // { ok: true, amountMinor: 961 }
 */
export function awinAmount(value: number, currency: string): AmountResult {
  const units = minorUnitsOf(currency);
  const text = String(value);
  if (!Number.isFinite(value) || value < 0) return parseAmount(value, currency);
  // Only below 1e-6 does String() write an exponent: nothing in any currency's minor unit.
  if (text.includes('e') && value < 1) return { ok: true, amountMinor: 0 };
  const [integer = '0', fraction = ''] = text.split('.');
  if (fraction.length <= units) return parseAmount(value, currency);
  const kept = parseAmount(units === 0 ? integer : `${integer}.${fraction.slice(0, units)}`, currency);
  if (!kept.ok) return kept;
  return { ok: true, amountMinor: kept.amountMinor + (Number(fraction[units]) >= 5 ? 1 : 0) };
}

/** Awin's `2026-11-01T10:15:00` (asked in UTC), or a date with an offset. */
function awinDate(text: string): Date | null {
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Awin's click URL. */
export const AWIN_CLICK_URL = 'https://www.awin1.com/cread.php';

/**
 * A tracking template sending the partner's clicks through Awin: the advertiser's programme
 * (`awinmid`), the publisher's account (`awinaffid`), Relais's click id as `clickref` (Awin hands
 * it back as the transaction's `clickRefs.clickRef`) and the destination, encoded, as `ued`.
 * @example awinTrackingTemplate({ publisherId: '45628', advertiserId: '7052' })
 * // 'https://www.awin1.com/cread.php?awinmid=7052&awinaffid=45628&clickref={click_id}&ued={destination_encoded}'
 */
export function awinTrackingTemplate(ids: { publisherId: string; advertiserId: string }): string {
  return `${AWIN_CLICK_URL}?awinmid=${encodeURIComponent(ids.advertiserId)}&awinaffid=${encodeURIComponent(ids.publisherId)}&clickref={click_id}&ued={destination_encoded}`;
}
