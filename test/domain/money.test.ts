import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_MINOR_UNITS,
  currencyCodeSchema,
  divideHalfUp,
  isCurrencyCode,
  majorToMinor,
  minorToMajor,
  minorUnitsOf,
  parseAmount,
} from '../../src/domain/money';

const ok = (amountMinor: number) => ({ ok: true, amountMinor });

describe('currencies', () => {
  it('knows active ISO 4217 codes with their minor units', () => {
    expect(minorUnitsOf('EUR')).toBe(2);
    expect(minorUnitsOf('USD')).toBe(2);
    expect(minorUnitsOf('JPY')).toBe(0);
    expect(minorUnitsOf('KRW')).toBe(0);
    expect(minorUnitsOf('KWD')).toBe(3);
    expect(minorUnitsOf('TND')).toBe(3);
    expect(minorUnitsOf('CLF')).toBe(4);
    expect(isCurrencyCode('XCG')).toBe(true);
    expect(isCurrencyCode('ZWG')).toBe(true);
    expect(isCurrencyCode('SLE')).toBe(true);
  });

  it('refuses withdrawn codes, codes without minor units, and other spellings', () => {
    for (const code of [
      'HRK',
      'ANG',
      'SLL',
      'ZWL',
      'CUC',
      'BGN',
      'XAU',
      'XDR',
      'XXX',
      'XTS',
      'eur',
      'EURO',
      '',
      'toString',
    ]) {
      expect(isCurrencyCode(code), code).toBe(false);
    }
    expect(() => minorUnitsOf('HRK')).toThrow(RangeError);
  });

  it('lists about 160 codes, each three capital letters', () => {
    const codes = Object.keys(CURRENCY_MINOR_UNITS);
    expect(codes.length).toBeGreaterThan(150);
    for (const code of codes) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('validates codes through currencyCodeSchema', () => {
    expect(currencyCodeSchema.safeParse('EUR').success).toBe(true);
    expect(currencyCodeSchema.safeParse('eur').success).toBe(false);
    expect(currencyCodeSchema.safeParse('ABC').success).toBe(false);
  });
});

describe('parseAmount in major units', () => {
  it('reads plain amounts with a point or a comma', () => {
    expect(parseAmount('10.44', 'EUR')).toEqual(ok(1044));
    expect(parseAmount('10,44', 'EUR')).toEqual(ok(1044));
    expect(parseAmount('10.4', 'EUR')).toEqual(ok(1040));
    expect(parseAmount('10', 'EUR')).toEqual(ok(1000));
    expect(parseAmount('0', 'EUR')).toEqual(ok(0));
    expect(parseAmount('0.5', 'EUR')).toEqual(ok(50));
    expect(parseAmount('.5', 'EUR')).toEqual(ok(50));
    expect(parseAmount('  89.90 ', 'EUR')).toEqual(ok(8990));
    expect(parseAmount('007.10', 'EUR')).toEqual(ok(710));
  });

  it('reads numbers', () => {
    expect(parseAmount(10.44, 'EUR')).toEqual(ok(1044));
    expect(parseAmount(0.1, 'EUR')).toEqual(ok(10));
    expect(parseAmount(1234.5, 'EUR')).toEqual(ok(123450));
    expect(parseAmount(0, 'EUR')).toEqual(ok(0));
    expect(parseAmount(-0, 'EUR')).toEqual(ok(0));
    expect(parseAmount(1.234, 'KWD')).toEqual(ok(1234));
  });

  it('tolerates thousands separators when they cannot be misread', () => {
    expect(parseAmount('1 234,56', 'EUR')).toEqual(ok(123456));
    expect(parseAmount('1\u00a0234,56', 'EUR')).toEqual(ok(123456));
    expect(parseAmount('1\u202f234,56', 'EUR')).toEqual(ok(123456));
    expect(parseAmount('1,234.56', 'EUR')).toEqual(ok(123456));
    expect(parseAmount('1.234,56', 'EUR')).toEqual(ok(123456));
    expect(parseAmount("1'234.56", 'CHF')).toEqual(ok(123456));
    expect(parseAmount('1,234,567', 'EUR')).toEqual(ok(123456700));
    expect(parseAmount('1.234.567', 'EUR')).toEqual(ok(123456700));
    expect(parseAmount('1,234,567.89', 'USD')).toEqual(ok(123456789));
    expect(parseAmount('12 345', 'EUR')).toEqual(ok(1234500));
    expect(parseAmount('1 234 567', 'JPY')).toEqual(ok(1234567));
  });

  it('refuses a lone separator before three digits, which reads two ways', () => {
    for (const text of ['1,234', '1.234', '12,345', '999.000']) {
      const result = parseAmount(text, 'EUR');
      expect(result, text).toMatchObject({ ok: false });
      expect(!result.ok && result.message).toContain('ambiguous');
    }
    expect(parseAmount('1,234', 'JPY')).toMatchObject({ ok: false });
  });

  it('reads a lone separator before three digits as decimal in three-decimal currencies', () => {
    expect(parseAmount('1.234', 'KWD')).toEqual(ok(1234));
    expect(parseAmount('12,345', 'BHD')).toEqual(ok(12345));
    expect(parseAmount('1,234,567', 'KWD')).toEqual(ok(1234567000));
  });

  it('reads a lone separator that cannot group thousands as decimal', () => {
    expect(parseAmount('0,125', 'KWD')).toEqual(ok(125));
    expect(parseAmount('1234,567', 'KWD')).toEqual(ok(1234567));
    expect(parseAmount('1 234,567', 'KWD')).toEqual(ok(1234567));
  });

  it('refuses irregular grouping and mixed separators', () => {
    for (const text of ['1,23.45', '12,34,567', '1.234.56,7', '1 23', '1,234 567.00', '1.2.3', '10.', '1,,2']) {
      expect(parseAmount(text, 'EUR'), text).toMatchObject({ ok: false });
    }
  });

  it('refuses more decimals than the currency has, unless they are zeros', () => {
    expect(parseAmount('10.4456', 'EUR')).toEqual({ ok: false, message: 'has more than 2 decimals for EUR' });
    expect(parseAmount('1 010.445', 'EUR')).toEqual({ ok: false, message: 'has more than 2 decimals for EUR' });
    expect(parseAmount(10.445, 'EUR')).toEqual({ ok: false, message: 'has more than 2 decimals for EUR' });
    expect(parseAmount('10.4400', 'EUR')).toEqual(ok(1044));
    expect(parseAmount('1500', 'JPY')).toEqual(ok(1500));
    expect(parseAmount('1500.00', 'JPY')).toEqual(ok(1500));
    expect(parseAmount('1500.5', 'JPY')).toEqual({ ok: false, message: 'takes no decimals in JPY' });
    expect(parseAmount('12.345', 'KWD')).toEqual(ok(12345));
    expect(parseAmount('12.3456', 'KWD')).toEqual({ ok: false, message: 'has more than 3 decimals for KWD' });
    expect(parseAmount(1e-7, 'EUR')).toEqual({ ok: false, message: 'has more than 2 decimals for EUR' });
  });

  it('refuses negative amounts', () => {
    for (const input of ['-10.44', '- 5', '-0,5', -10.44, -1]) {
      expect(parseAmount(input, 'EUR')).toEqual({ ok: false, message: 'must not be negative' });
    }
  });

  it('refuses what is not an amount', () => {
    for (const input of ['', ' ', 'abc', '10 EUR', '€10', '1e3', '+10', '10.44.', '0x10', Number.NaN, Infinity]) {
      expect(parseAmount(input, 'EUR'), String(input)).toMatchObject({ ok: false });
    }
  });

  it('refuses amounts beyond what integers hold exactly', () => {
    expect(parseAmount('90071992547409.91', 'EUR')).toEqual(ok(Number.MAX_SAFE_INTEGER));
    expect(parseAmount('90071992547409.92', 'EUR')).toEqual({ ok: false, message: 'is too large' });
    expect(parseAmount(1e21, 'EUR')).toEqual({ ok: false, message: 'is too large' });
  });

  it('throws for a currency that is not known, which callers check first', () => {
    expect(() => parseAmount('1', 'XYZ')).toThrow(RangeError);
  });

  it('reads back every amount written with two decimals, with or without grouping', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (minor) => {
        const major = Math.floor(minor / 100);
        const cents = String(minor % 100).padStart(2, '0');
        expect(parseAmount(`${major}.${cents}`, 'EUR')).toEqual(ok(minor));
        expect(parseAmount(`${major},${cents}`, 'EUR')).toEqual(ok(minor));
        expect(parseAmount(`${major.toLocaleString('en-US')}.${cents}`, 'EUR')).toEqual(ok(minor));
        expect(parseAmount(`${major.toLocaleString('de-DE')},${cents}`, 'EUR')).toEqual(ok(minor));
        expect(parseAmount(minor / 100, 'EUR')).toEqual(ok(minor));
      }),
    );
  });
});

describe('parseAmount in minor units', () => {
  it('reads whole numbers only', () => {
    expect(parseAmount('1044', 'EUR', true)).toEqual(ok(1044));
    expect(parseAmount(1044, 'EUR', true)).toEqual(ok(1044));
    expect(parseAmount('1500', 'JPY', true)).toEqual(ok(1500));
    for (const input of ['10.44', '1 044', '1,044', 10.5, 'x']) {
      expect(parseAmount(input, 'EUR', true)).toEqual({ ok: false, message: 'must be a whole number of minor units' });
    }
    expect(parseAmount('-5', 'EUR', true)).toEqual({ ok: false, message: 'must not be negative' });
    expect(parseAmount(-5, 'EUR', true)).toEqual({ ok: false, message: 'must not be negative' });
    expect(parseAmount(2 ** 60, 'EUR', true)).toEqual({ ok: false, message: 'is too large' });
  });
});

describe('majorToMinor', () => {
  it('converts fees to minor units of the currency, rounding half away from zero', () => {
    expect(majorToMinor(15, 'EUR')).toBe(1500);
    expect(majorToMinor(10.44, 'EUR')).toBe(1044);
    expect(majorToMinor(0.1, 'EUR')).toBe(10);
    expect(majorToMinor(2.5, 'JPY')).toBe(3);
    expect(majorToMinor(2.49, 'JPY')).toBe(2);
    expect(majorToMinor(1.5, 'KWD')).toBe(1500);
    expect(majorToMinor(0, 'EUR')).toBe(0);
  });

  it('refuses what is not a fee', () => {
    expect(() => majorToMinor(Number.NaN, 'EUR')).toThrow(RangeError);
    expect(() => majorToMinor(1e15, 'EUR')).toThrow(RangeError);
  });
});

describe('minorToMajor', () => {
  it('gives major units for answers', () => {
    expect(minorToMajor(1044, 'EUR')).toBe(10.44);
    expect(minorToMajor(1500, 'JPY')).toBe(1500);
    expect(minorToMajor(1234, 'KWD')).toBe(1.234);
  });
});

describe('divideHalfUp', () => {
  it('rounds halves away from zero and everything else to the nearest', () => {
    expect(divideHalfUp(5n, 10n)).toBe(1n);
    expect(divideHalfUp(4n, 10n)).toBe(0n);
    expect(divideHalfUp(15n, 10n)).toBe(2n);
    expect(divideHalfUp(25n, 10n)).toBe(3n);
    expect(divideHalfUp(-5n, 10n)).toBe(-1n);
    expect(divideHalfUp(-4n, 10n)).toBe(0n);
    expect(divideHalfUp(0n, 7n)).toBe(0n);
    expect(() => divideHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('never is more than half a unit away from the exact quotient', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (n, d) => {
          const q = divideHalfUp(n, d);
          const error = q * d - n;
          expect(2n * (error < 0n ? -error : error) <= d).toBe(true);
        },
      ),
    );
  });
});
