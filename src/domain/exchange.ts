// Exchange rates as money needs them: exact decimals, cross rates through a common base, and
// amounts converted to a partner's reporting currency rounded once, half away from zero.
//
// Rates are kept as the decimal text they were given ("1.0856"), never as binary floats, and every
// conversion is exact integer arithmetic (BigInt) on them. A rate between two quoted currencies
// (USD -> GBP from EUR-based rates) is the ratio of their rates, kept to 12 significant digits:
// the text stored on the conversion is the rate its figures were computed with, so anyone can
// compute them again from it.
import { z } from 'zod';
import { divideHalfUp, minorUnitsOf } from './money';

/** Where a day's rates came from: posted through the API, or fetched from the ECB's reference rates. */
export const EXCHANGE_RATE_SOURCES = ['api', 'ecb'] as const;
export type ExchangeRateSource = (typeof EXCHANGE_RATE_SOURCES)[number];

const SIGNIFICANT_DIGITS = 12;

/** A rate as posted: a positive number of at most 10 significant digits (the ECB gives 5 or 6). */
export const rateValueSchema = z
  .number()
  .positive()
  .lte(1e9)
  .refine((n) => rateText(n) !== null, { message: 'must be a positive decimal with at most 10 significant digits' });

/**
 * The exact decimal text of a posted rate, or null when it is not a plain positive decimal of at
 * most 10 significant digits (what binary noise beyond that would be).
 * @example rateText(1.0856) // '1.0856'
 */
export function rateText(n: number): string | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  const text = n < 1e-6 ? n.toFixed(20).replace(/0+$/, '') : String(n);
  if (text.includes('e')) return null;
  const digits = text.replace('.', '').replace(/^0+/, '');
  return digits.length <= 10 ? text : null;
}

type Decimal = { units: bigint; scale: number };

/** A decimal text as an integer and a power of ten: '1.0856' -> 10856 / 10^4. */
function decimalOf(text: string): Decimal {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new RangeError(`not a rate: ${text}`);
  const [integer = '0', fraction = ''] = text.split('.');
  return { units: BigInt(integer + fraction), scale: fraction.length };
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** `numerator / denominator` (positive) as a decimal text of `SIGNIFICANT_DIGITS` significant digits, no trailing zeros. */
function decimalText(numerator: bigint, denominator: bigint): string {
  let scale = 0;
  // Scale up until the integer part carries all the significant digits wanted.
  while (numerator * pow10(scale) < denominator * pow10(SIGNIFICANT_DIGITS - 1)) scale++;
  const units = divideHalfUp(numerator * pow10(scale), denominator);
  const digits = units.toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return fraction ? `${integer}.${fraction}` : integer;
}

/** One quoted rate of a day: 1 `base` = `rate` `quote`. */
export type QuotedRate = { base: string; quote: string; rate: string };

/**
 * The rate from `from` to `to` (units of `to` per unit of `from`) given a day's quotes, or null
 * when no base quotes both. A base is worth 1 of itself; EUR, the ECB's base, is tried first.
 * @example crossRate([{ base: 'EUR', quote: 'USD', rate: '1.08' }], 'USD', 'EUR') // '0.925925925926'
 * @example crossRate([], 'EUR', 'EUR') // '1'
 */
export function crossRate(quotes: readonly QuotedRate[], from: string, to: string): string | null {
  if (from === to) return '1';
  const bases = [...new Set(quotes.map((q) => q.base))].sort((a, b) => (a === 'EUR' ? -1 : b === 'EUR' ? 1 : 0));
  for (const base of bases) {
    const of = (code: string) => (code === base ? '1' : quotes.find((q) => q.base === base && q.quote === code)?.rate);
    const fromRate = of(from);
    const toRate = of(to);
    if (!fromRate || !toRate) continue;
    if (fromRate === '1') return toRate;
    const f = decimalOf(fromRate);
    const t = decimalOf(toRate);
    // (t.units / 10^t.scale) / (f.units / 10^f.scale)
    return decimalText(t.units * pow10(f.scale), f.units * pow10(t.scale));
  }
  return null;
}

/**
 * An amount in minor units of `from` converted at `rate` (units of `to` per unit of `from`) to
 * minor units of `to`, rounded half away from zero.
 * @example convertMinor(10000, 'USD', 'EUR', '0.925925925926') // 9259
 * @example convertMinor(1000, 'EUR', 'JPY', '162.47') // 1625
 */
export function convertMinor(amountMinor: number, from: string, to: string, rate: string): number {
  if (from === to && rate === '1') return amountMinor;
  const r = decimalOf(rate);
  const shift = minorUnitsOf(to) - minorUnitsOf(from);
  const numerator = BigInt(amountMinor) * r.units * pow10(Math.max(shift, 0));
  const denominator = pow10(r.scale + Math.max(-shift, 0));
  return Number(divideHalfUp(numerator, denominator));
}

/** The money of a conversion in its own currency. */
export type ConversionMoney = {
  currency: string;
  amountMinor: number;
  refundedAmountMinor: number;
  commissionMinor: number;
  earnedCommissionMinor: number;
};

/** The same money in the partner's reporting currency; all null while the rate is missing. */
export type ReportingMoney = {
  exchangeRate: string | null;
  reportingAmountMinor: number | null;
  reportingRefundedMinor: number | null;
  reportingCommissionMinor: number | null;
  reportingEarnedMinor: number | null;
};

/**
 * A conversion's figures in `reportingCurrency` at `rate` (null: not known yet), each converted
 * and rounded on its own, so that every figure a report adds up is one stored on a conversion.
 * @example reportingMoney({ currency: 'USD', amountMinor: 10000, refundedAmountMinor: 0, commissionMinor: 800, earnedCommissionMinor: 800 }, 'EUR', '0.92').reportingCommissionMinor // 736
 */
export function reportingMoney(money: ConversionMoney, reportingCurrency: string, rate: string | null): ReportingMoney {
  if (rate === null) {
    return {
      exchangeRate: null,
      reportingAmountMinor: null,
      reportingRefundedMinor: null,
      reportingCommissionMinor: null,
      reportingEarnedMinor: null,
    };
  }
  const convert = (minor: number) => convertMinor(minor, money.currency, reportingCurrency, rate);
  return {
    exchangeRate: rate,
    reportingAmountMinor: convert(money.amountMinor),
    reportingRefundedMinor: convert(money.refundedAmountMinor),
    reportingCommissionMinor: convert(money.commissionMinor),
    reportingEarnedMinor: convert(money.earnedCommissionMinor),
  };
}
