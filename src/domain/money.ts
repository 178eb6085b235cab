// Money as it crosses the edge: ISO 4217 codes, their minor units, and partners' amount texts turned into integers.
import { z } from 'zod';

// ISO 4217 list one (maintained by SIX): codes in active use with a defined minor unit, grouped by
// minor-unit count. Codes without one (XAU, XDR, XXX...) are left out: an amount in them cannot be
// kept in minor units. BGN is left out too since Bulgaria moved to the euro on 2026-01-01.
const CODES_BY_MINOR_UNITS: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF ' +
    'CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL ' +
    'HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU ' +
    'MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR ' +
    'SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED ' +
    'VES WST XAD XCD XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

/** Minor units per active ISO 4217 code: `CURRENCY_MINOR_UNITS.EUR === 2`, `.JPY === 0`, `.KWD === 3`. */
export const CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(
    Object.entries(CODES_BY_MINOR_UNITS).flatMap(([units, codes]) =>
      codes.split(' ').map((code) => [code, Number(units)] as const),
    ),
  ),
);

/**
 * Whether `code` is an active ISO 4217 code (upper case, as stored).
 * @example isCurrencyCode('EUR') // true; isCurrencyCode('eur') // false; isCurrencyCode('HRK') // false
 */
export function isCurrencyCode(code: string): boolean {
  return Object.hasOwn(CURRENCY_MINOR_UNITS, code);
}

/** An active ISO 4217 code, upper case. */
export const currencyCodeSchema = z
  .string()
  .refine(isCurrencyCode, { message: 'must be an active ISO 4217 currency code in upper case, e.g. EUR' });

/**
 * Digits after the decimal point in `currency`; throws for a code that is not active ISO 4217.
 * @example minorUnitsOf('JPY') // 0
 */
export function minorUnitsOf(currency: string): number {
  const units = CURRENCY_MINOR_UNITS[currency];
  if (units === undefined) throw new RangeError(`unknown currency: ${currency}`);
  return units;
}

export type AmountResult = { ok: true; amountMinor: number } | { ok: false; message: string };

// Characters people and spreadsheets put between groups of thousands (space, no-break spaces, apostrophe).
const GROUP_CHARS = " '\u00a0\u202f\u2009";
const AMOUNT_CHARS = /^[0-9.,' \u00a0\u202f\u2009]+$/;

/**
 * Reads an amount sent by a partner into integer minor units of `currency`.
 * Major units accept `.` or `,` as the decimal separator and thousands separators only where
 * they cannot be misread (`1 234,56`, `1,234.56`, `1.234.567`); `1,234` alone is refused in
 * two-decimal currencies because it means 1234 to some and 1.234 to others. Extra decimals are accepted only when they
 * are zeros (`1500.00` JPY). With `inMinorUnits`, only whole numbers are accepted.
 * @example parseAmount('1 234,56', 'EUR') // { ok: true, amountMinor: 123456 }
 * @example parseAmount(10.44, 'EUR') // { ok: true, amountMinor: 1044 }
 * @example parseAmount('1044', 'EUR', true) // { ok: true, amountMinor: 1044 }
 */
export function parseAmount(input: string | number, currency: string, inMinorUnits = false): AmountResult {
  const units = minorUnitsOf(currency);
  if (typeof input === 'number') return parseNumber(input, units, currency, inMinorUnits);
  const text = input.trim();
  if (/^-\s*[0-9.,]/.test(text)) return fail('must not be negative');
  if (inMinorUnits) {
    return /^[0-9]+$/.test(text) ? toMinor(text, '', 0, currency) : fail('must be a whole number of minor units');
  }
  if (!AMOUNT_CHARS.test(text) || !/[0-9]/.test(text)) return fail('is not an amount');
  const split = splitDecimal(text, units);
  if (split === 'ambiguous') {
    return fail('is ambiguous: write it with a decimal point and no thousands separator, e.g. 1234.56');
  }
  const integer = split && ungroup(split.integer);
  if (!split || integer === null) return fail('is not an amount');
  return toMinor(integer, split.fraction, units, currency);
}

function parseNumber(input: number, units: number, currency: string, inMinorUnits: boolean): AmountResult {
  if (!Number.isFinite(input)) return fail('is not an amount');
  if (input < 0) return fail('must not be negative');
  if (inMinorUnits) {
    if (!Number.isInteger(input)) return fail('must be a whole number of minor units');
    return Number.isSafeInteger(input) ? toMinor(String(input), '', 0, currency) : fail('is too large');
  }
  // String() gives the shortest text that reads back as the same number, so 10.44 stays "10.44".
  const text = String(input);
  if (text.includes('e')) return input < 1 ? tooManyDecimals(units, currency) : fail('is too large');
  const [integer = '0', fraction = ''] = text.split('.');
  return toMinor(integer, fraction, units, currency);
}

/**
 * Finds which of `.` and `,` is the decimal separator: the last one when both appear, a lone one
 * unless it could as well group thousands (`1,234`), none when one of them repeats (`1.234.567`).
 * In currencies with three decimals (KWD, BHD...) `12.345` is how amounts are written, so there
 * a lone separator is always decimal.
 */
function splitDecimal(text: string, units: number): { integer: string; fraction: string } | 'ambiguous' | null {
  const dots = count(text, '.');
  const commas = count(text, ',');
  let separator: '.' | ',' | null = null;
  if (dots > 0 && commas > 0) {
    separator = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
    if (count(text, separator) > 1) return null;
  } else if (dots + commas === 1) {
    separator = dots ? '.' : ',';
    const [integer = '', fraction = ''] = text.split(separator);
    const hasOtherGroups = [...integer].some((c) => GROUP_CHARS.includes(c));
    const couldGroup = !hasOtherGroups && /^[1-9][0-9]{0,2}$/.test(integer) && /^[0-9]{3}$/.test(fraction);
    if (couldGroup && units < 3) return 'ambiguous';
  }
  if (!separator) return { integer: text, fraction: '' };
  const at = text.lastIndexOf(separator);
  const fraction = text.slice(at + 1);
  return /^[0-9]+$/.test(fraction) ? { integer: text.slice(0, at), fraction } : null;
}

/** Removes one consistent thousands separator from `integer`; null when the grouping is not regular. */
function ungroup(integer: string): string | null {
  if (integer === '') return '0';
  const separators = [...new Set(integer.replace(/[0-9]/g, ''))];
  if (separators.length === 0) return integer;
  if (separators.length > 1) return null;
  const groups = integer.split(separators[0] as string);
  const [first = '', ...rest] = groups;
  if (!/^[0-9]{1,3}$/.test(first) || !rest.every((g) => /^[0-9]{3}$/.test(g))) return null;
  return groups.join('');
}

function toMinor(integer: string, fraction: string, units: number, currency: string): AmountResult {
  if (/[1-9]/.test(fraction.slice(units))) return tooManyDecimals(units, currency);
  const minor = BigInt(integer) * 10n ** BigInt(units) + BigInt(fraction.slice(0, units).padEnd(units, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return fail('is too large');
  return { ok: true, amountMinor: Number(minor) };
}

/**
 * Converts a major-unit amount with at most a few decimals (a configured fee such as `15` or
 * `2.5`) to minor units of `currency`, rounding half away from zero when the currency has
 * fewer decimals than the amount.
 * @example majorToMinor(15, 'EUR') // 1500
 * @example majorToMinor(2.5, 'JPY') // 3
 */
export function majorToMinor(major: number, currency: string): number {
  const units = minorUnitsOf(currency);
  if (!Number.isFinite(major) || Math.abs(major) > 1e12) throw new RangeError(`not a fee amount: ${major}`);
  // Exact for the 4 decimals fees and rates may carry; toFixed rounds the binary noise away.
  const scaled = BigInt(major.toFixed(4).replace('.', ''));
  return Number(divideHalfUp(scaled * 10n ** BigInt(units), 10_000n));
}

/**
 * Major units of an integer minor-unit amount, for display and JSON answers.
 * @example minorToMajor(1044, 'EUR') // 10.44
 */
export function minorToMajor(amountMinor: number, currency: string): number {
  return amountMinor / 10 ** minorUnitsOf(currency);
}

/**
 * `numerator / denominator` rounded half away from zero, exactly (the denominator must be positive).
 * @example divideHalfUp(8352n, 10_000n) // 1n
 */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function tooManyDecimals(units: number, currency: string): AmountResult {
  return fail(units === 0 ? `takes no decimals in ${currency}` : `has more than ${units} decimals for ${currency}`);
}

function fail(message: string): AmountResult {
  return { ok: false, message };
}
