// What a conversion earns: the partner's most specific rule, applied per order line, in exact integer minor units.
//
// Rounding: a percent commission is computed per line as amountMinor × percent / 100 in exact
// integer arithmetic (BigInt; percents carry at most 4 decimals), then rounded half away from
// zero to a whole minor unit, and the rounded lines are summed. So 8% of 10.44 EUR is
// 0.8352 -> 0.84, 12.5% of 0.04 is 0.005 -> 0.01, and a total always equals the sum of its
// lines as shown to the partner. A fixed fee is converted to the currency's minor units the same way.
import { z } from 'zod';
import { type ConversionEvent, conversionEventSchema } from './conversion-event';
import { currencyCodeSchema, divideHalfUp, majorToMinor } from './money';

const hasAtMostDecimals = (digits: number) => (value: number) => Number(value.toFixed(digits)) === value;

/**
 * One commission rule of a partner: `percent` of the amount or a `fixed` fee in major units,
 * for conversions of a `category` and/or an `event`, and only in `currency` when it is set.
 */
export const commissionRuleSchema = z
  .object({
    category: z.string().trim().min(1).max(100).optional(),
    event: conversionEventSchema.optional(),
    percent: z
      .number()
      .gt(0)
      .lte(100)
      .refine(hasAtMostDecimals(4), { message: 'must have at most 4 decimals' })
      .optional(),
    fixed: z
      .number()
      .gte(0)
      .lte(1_000_000_000)
      .refine(hasAtMostDecimals(2), { message: 'must have at most 2 decimals' })
      .optional(),
    currency: currencyCodeSchema.optional(),
  })
  .refine((rule) => (rule.percent === undefined) !== (rule.fixed === undefined), {
    message: 'set exactly one of percent and fixed',
    path: ['percent'],
  });
export type CommissionRule = z.infer<typeof commissionRuleSchema>;

export type CommissionLine = {
  category?: string;
  amountMinor: number;
  rule: CommissionRule | null;
  commissionMinor: number;
};

export type Commission = { commissionMinor: number; currency: string; lines: CommissionLine[] };

export type CommissionTarget = {
  event: ConversionEvent;
  category?: string | null;
  amountMinor: number;
  currency: string;
  items?: { category?: string | null; amountMinor: number }[] | null;
};

/**
 * The rule that applies to a conversion (or one of its lines), or null. A rule with a category
 * matches only that category (case-insensitive), with an event only that event, with a currency
 * only that currency. The most specific wins: category and event, then category, then event,
 * then a rule with neither; a currency breaks ties, then the order of the list.
 * @example ruleFor([{ percent: 5 }, { category: 'tyres', percent: 8 }], { event: 'sale', category: 'Tyres', currency: 'EUR' }) // { category: 'tyres', percent: 8 }
 */
export function ruleFor(
  rules: readonly CommissionRule[],
  target: { event: ConversionEvent; category?: string | null; currency: string },
): CommissionRule | null {
  let best: CommissionRule | null = null;
  let bestScore = -1;
  for (const rule of rules) {
    const score = specificity(rule, target);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}

function specificity(rule: CommissionRule, target: { event: string; category?: string | null; currency: string }) {
  if (rule.category !== undefined && rule.category.toLowerCase() !== target.category?.toLowerCase()) return -1;
  if (rule.event !== undefined && rule.event !== target.event) return -1;
  if (rule.currency !== undefined && rule.currency !== target.currency) return -1;
  return (rule.category !== undefined ? 4 : 0) + (rule.event !== undefined ? 2 : 0) + (rule.currency ? 1 : 0);
}

/**
 * The commission of a conversion. With order lines, each line is paid by the rule of its own
 * category (the conversion's when the line has none) on the line's amount; without, the whole
 * amount is paid by the rule of the conversion's category. A fixed rule pays its fee once per
 * conversion, on the first line it matches, however many lines it matches.
 * @example commissionFor([{ event: 'lead', fixed: 15 }], { event: 'lead', amountMinor: 0, currency: 'EUR' }).commissionMinor // 1500
 * @example commissionFor([{ percent: 8 }], { event: 'sale', amountMinor: 1044, currency: 'EUR' }).commissionMinor // 84
 */
export function commissionFor(rules: readonly CommissionRule[], conversion: CommissionTarget): Commission {
  const { event, currency } = conversion;
  const targets = conversion.items?.length
    ? conversion.items.map((item) => ({
        category: item.category ?? conversion.category ?? undefined,
        amountMinor: item.amountMinor,
      }))
    : [{ category: conversion.category ?? undefined, amountMinor: conversion.amountMinor }];
  const feesPaid = new Set<CommissionRule>();
  const lines = targets.map(({ category, amountMinor }): CommissionLine => {
    const rule = ruleFor(rules, { event, category, currency });
    let commissionMinor = 0;
    if (rule?.percent !== undefined) {
      commissionMinor = percentOf(amountMinor, rule.percent);
    } else if (rule?.fixed !== undefined && !feesPaid.has(rule)) {
      feesPaid.add(rule);
      commissionMinor = majorToMinor(rule.fixed, currency);
    }
    return { ...(category !== undefined && { category }), amountMinor, rule, commissionMinor };
  });
  return { commissionMinor: lines.reduce((sum, line) => sum + line.commissionMinor, 0), currency, lines };
}

/**
 * `percent` % of an integer minor-unit amount, rounded half away from zero (at most 4 decimals of percent count).
 * @example percentOf(1044, 8) // 84
 * @example percentOf(4, 12.5) // 1
 */
export function percentOf(amountMinor: number, percent: number): number {
  const scaledPercent = BigInt(percent.toFixed(4).replace('.', ''));
  return Number(divideHalfUp(BigInt(amountMinor) * scaledPercent, 1_000_000n));
}

/**
 * The part of an `original` commission taken back when `refundedAmountMinor` of an order of
 * `originalAmountMinor` is refunded: proportional, rounded half away from zero, and all of it
 * for a full refund (or when the order had no amount, such as a lead with a fixed fee).
 * The commission left is `original - reverseCommission(...)`.
 * @example reverseCommission(840, 2500, 10000) // 210
 * @example reverseCommission(840, 10000, 10000) // 840
 */
export function reverseCommission(original: number, refundedAmountMinor: number, originalAmountMinor: number): number {
  if (originalAmountMinor <= 0 || refundedAmountMinor >= originalAmountMinor) return original;
  if (refundedAmountMinor <= 0) return 0;
  return Number(divideHalfUp(BigInt(original) * BigInt(refundedAmountMinor), BigInt(originalAmountMinor)));
}
