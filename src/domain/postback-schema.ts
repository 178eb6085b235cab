// The canonical conversion a postback is read into, and the shape of a partner's postback configuration.
import { z } from 'zod';
import { conversionEventSchema } from './conversion-event';
import { conversionStatusSchema } from './conversion-status';
import { currencyCodeSchema } from './money';

const text = (max: number) => z.string().min(1).max(max);
const amountMinorSchema = z.int().nonnegative();

/**
 * One order line; `amountMinor` is the line's total (price × quantity), not a unit price, and
 * `refundedAmountMinor` the total refunded of it so far.
 */
export const conversionItemSchema = z.object({
  category: text(100).optional(),
  amountMinor: amountMinorSchema,
  refundedAmountMinor: amountMinorSchema.optional(),
  sku: text(200).optional(),
  quantity: z.int().positive().optional(),
});

/** A conversion as Relais understands it, whatever the partner called its parts. */
export const conversionInputSchema = z.object({
  clickId: text(200).optional(),
  transactionId: text(200),
  amountMinor: amountMinorSchema,
  /** The total refunded so far (not this postback's refund alone). */
  refundedAmountMinor: amountMinorSchema.optional(),
  currency: currencyCodeSchema,
  category: text(100).optional(),
  status: conversionStatusSchema,
  rawStatus: text(100).optional(),
  event: conversionEventSchema,
  coupon: text(100).optional(),
  referralCode: text(100).optional(),
  customerId: text(200).optional(),
  occurredAt: z.date().optional(),
  items: z.array(conversionItemSchema).min(1).max(500).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: text(1024).optional(),
  reason: text(1000).optional(),
});
export type ConversionInput = z.infer<typeof conversionInputSchema>;

export const POSTBACK_FIELDS = [
  'clickId',
  'transactionId',
  'amount',
  'refundedAmount',
  'currency',
  'category',
  'status',
  'event',
  'coupon',
  'referralCode',
  'customerId',
  'occurredAt',
  'items',
  'ip',
  'userAgent',
  'reason',
] as const;
export type PostbackField = (typeof POSTBACK_FIELDS)[number];

export const ITEM_FIELDS = ['category', 'amount', 'refundedAmount', 'sku', 'quantity'] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

/** Keys a partner may map: the canonical fields, and the base names of indexed order lines. */
export const POSTBACK_PARAM_KEYS = [...POSTBACK_FIELDS, ...ITEM_FIELDS.map((f) => `items.${f}` as const)] as const;

/**
 * Canonical name -> the partner's name. A value may list alternatives separated by `|`
 * (`Amount|SaleAmount`): the first one present in the postback is read.
 */
export const postbackParamsSchema = z.partialRecord(z.enum(POSTBACK_PARAM_KEYS), z.string().trim().min(1).max(200));

/** The partner's raw status values -> ours (`{"billed": "approved"}`). */
export const statusMapSchema = z.record(z.string().min(1).max(100), conversionStatusSchema);

export type PostbackConfig = {
  /** Canonical name -> the partner's name (see `postbackParamsSchema`). */
  postbackParams: Record<string, string>;
  /** The partner's raw status -> ours. */
  statusMap: Record<string, string>;
  amountsInMinorUnits: boolean;
  /** Used when the postback names no currency; EUR when empty. */
  defaultCurrency: string;
};
