import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CommissionRule,
  commissionFor,
  commissionRuleSchema,
  percentOf,
  reverseCommission,
  ruleFor,
} from '../../src/domain/commission';

const sale = (amountMinor: number, over: Partial<Parameters<typeof commissionFor>[1]> = {}) => ({
  event: 'sale' as const,
  amountMinor,
  currency: 'EUR',
  ...over,
});

describe('commissionRuleSchema', () => {
  it('accepts a percent or a fixed fee, optionally for a category, an event and a currency', () => {
    for (const rule of [
      { percent: 8 },
      { percent: 7.25, category: 'tyres' },
      { percent: 100 },
      { percent: 0.0001 },
      { fixed: 15, event: 'lead', currency: 'EUR' },
      { fixed: 0 },
      { fixed: 2.5, category: 'tyres', event: 'sale' },
    ]) {
      expect(commissionRuleSchema.safeParse(rule).success, JSON.stringify(rule)).toBe(true);
    }
  });

  it('refuses a rule with neither or both of percent and fixed', () => {
    for (const rule of [{}, { category: 'tyres' }, { percent: 5, fixed: 1 }]) {
      const result = commissionRuleSchema.safeParse(rule);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({
        path: ['percent'],
        message: 'set exactly one of percent and fixed',
      });
    }
  });

  it('refuses a percent outside (0, 100] or with more than 4 decimals', () => {
    for (const percent of [0, -1, 100.01, 7.12345, Number.NaN]) {
      expect(commissionRuleSchema.safeParse({ percent }).success, String(percent)).toBe(false);
    }
  });

  it('refuses a negative fee or one with more than 2 decimals', () => {
    for (const fixed of [-1, 1.005, 0.001]) {
      expect(commissionRuleSchema.safeParse({ fixed }).success, String(fixed)).toBe(false);
    }
  });

  it('refuses an empty category, an unknown event and an unknown currency', () => {
    expect(commissionRuleSchema.safeParse({ percent: 5, category: '' }).success).toBe(false);
    expect(commissionRuleSchema.safeParse({ percent: 5, category: '   ' }).success).toBe(false);
    expect(commissionRuleSchema.safeParse({ percent: 5, event: 'click' }).success).toBe(false);
    expect(commissionRuleSchema.safeParse({ fixed: 5, currency: 'EURO' }).success).toBe(false);
  });
});

describe('ruleFor', () => {
  const byDefault: CommissionRule = { percent: 3 };
  const bySale: CommissionRule = { event: 'sale', percent: 4 };
  const byTyres: CommissionRule = { category: 'tyres', percent: 6 };
  const byTyreSale: CommissionRule = { category: 'tyres', event: 'sale', percent: 8 };
  const rules = [byDefault, bySale, byTyres, byTyreSale];

  it('prefers category and event, then category, then event, then the default', () => {
    expect(ruleFor(rules, { event: 'sale', category: 'tyres', currency: 'EUR' })).toBe(byTyreSale);
    expect(ruleFor(rules, { event: 'lead', category: 'tyres', currency: 'EUR' })).toBe(byTyres);
    expect(ruleFor(rules, { event: 'sale', category: 'brakes', currency: 'EUR' })).toBe(bySale);
    expect(ruleFor(rules, { event: 'lead', category: 'brakes', currency: 'EUR' })).toBe(byDefault);
    expect(ruleFor([...rules].reverse(), { event: 'sale', category: 'tyres', currency: 'EUR' })).toBe(byTyreSale);
  });

  it('matches categories without regard to case', () => {
    expect(ruleFor(rules, { event: 'lead', category: 'TYRES', currency: 'EUR' })).toBe(byTyres);
  });

  it('never applies a category rule to a conversion without that category', () => {
    expect(ruleFor([byTyres], { event: 'sale', currency: 'EUR' })).toBeNull();
    expect(ruleFor([byTyres], { event: 'sale', category: null, currency: 'EUR' })).toBeNull();
    expect(ruleFor([byTyres], { event: 'sale', category: 'brakes', currency: 'EUR' })).toBeNull();
  });

  it('applies a currency rule to that currency only, and prefers it to an equal rule without', () => {
    const eur: CommissionRule = { event: 'lead', fixed: 15, currency: 'EUR' };
    const any: CommissionRule = { event: 'lead', fixed: 10 };
    expect(ruleFor([any, eur], { event: 'lead', currency: 'EUR' })).toBe(eur);
    expect(ruleFor([any, eur], { event: 'lead', currency: 'GBP' })).toBe(any);
    expect(ruleFor([eur], { event: 'lead', currency: 'GBP' })).toBeNull();
  });

  it('never lets a currency outrank a category or an event', () => {
    const tyres: CommissionRule = { category: 'tyres', percent: 6 };
    const eurDefault: CommissionRule = { percent: 2, currency: 'EUR' };
    expect(ruleFor([eurDefault, tyres], { event: 'sale', category: 'tyres', currency: 'EUR' })).toBe(tyres);
  });

  it('keeps the first of two equally specific rules', () => {
    const a: CommissionRule = { category: 'tyres', percent: 5 };
    const b: CommissionRule = { category: 'Tyres', percent: 9 };
    expect(ruleFor([a, b], { event: 'sale', category: 'tyres', currency: 'EUR' })).toBe(a);
  });

  it('finds nothing in no rules', () => {
    expect(ruleFor([], { event: 'sale', currency: 'EUR' })).toBeNull();
  });
});

describe('percentOf', () => {
  it('computes exactly and rounds half away from zero to a minor unit', () => {
    expect(percentOf(1044, 8)).toBe(84); // 0.8352 -> 0.84
    expect(percentOf(4, 12.5)).toBe(1); // 0.005 -> 0.01
    expect(percentOf(3, 12.5)).toBe(0); // 0.00375 -> 0.00
    expect(percentOf(10000, 7.25)).toBe(725);
    expect(percentOf(1999, 7.25)).toBe(145); // 144.9275 -> 145
    expect(percentOf(200, 0.25)).toBe(1); // 0.5 -> 1
    expect(percentOf(199, 0.25)).toBe(0); // 0.4975 -> 0
    expect(percentOf(1, 50)).toBe(1); // 0.5 -> 1
    expect(percentOf(12345, 100)).toBe(12345);
    expect(percentOf(0, 8)).toBe(0);
  });

  it('stays exact where floating point would not', () => {
    // 10000 * 1.005 / 100 is 100.49999999999999 in floating point; the exact 100.5 rounds to 101.
    expect(percentOf(10000, 1.005)).toBe(101);
    expect(percentOf(Number.MAX_SAFE_INTEGER, 100)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('commissionFor', () => {
  it('pays a percent of the whole amount of an order without lines', () => {
    expect(commissionFor([{ percent: 8 }], sale(1044))).toEqual({
      commissionMinor: 84,
      currency: 'EUR',
      lines: [{ amountMinor: 1044, rule: { percent: 8 }, commissionMinor: 84 }],
    });
  });

  it('uses the conversion category for an order without lines', () => {
    const rules: CommissionRule[] = [{ percent: 3 }, { category: 'tyres', percent: 7.25 }];
    expect(commissionFor(rules, sale(10000, { category: 'Tyres' }))).toEqual({
      commissionMinor: 725,
      currency: 'EUR',
      lines: [
        { category: 'Tyres', amountMinor: 10000, rule: { category: 'tyres', percent: 7.25 }, commissionMinor: 725 },
      ],
    });
  });

  it('pays a fixed fee for a lead (15 EUR per booking)', () => {
    const rules: CommissionRule[] = [{ event: 'lead', fixed: 15, currency: 'EUR' }, { percent: 5 }];
    const result = commissionFor(rules, { event: 'lead', amountMinor: 0, currency: 'EUR' });
    expect(result.commissionMinor).toBe(1500);
    expect(result.lines).toEqual([{ amountMinor: 0, rule: rules[0], commissionMinor: 1500 }]);
  });

  it('pays each line by the rule of its own category, rounding each line before summing', () => {
    const rules: CommissionRule[] = [
      { percent: 3 },
      { category: 'tyres', percent: 8 },
      { category: 'oil', percent: 12.5 },
    ];
    const result = commissionFor(
      rules,
      sale(1548, {
        category: 'parts',
        items: [
          { category: 'tyres', amountMinor: 1044 },
          { category: 'oil', amountMinor: 4 },
          { category: 'oil', amountMinor: 4 },
          { amountMinor: 496 },
        ],
      }),
    );
    expect(result.lines).toEqual([
      { category: 'tyres', amountMinor: 1044, rule: rules[1], commissionMinor: 84 },
      { category: 'oil', amountMinor: 4, rule: rules[2], commissionMinor: 1 },
      { category: 'oil', amountMinor: 4, rule: rules[2], commissionMinor: 1 },
      { category: 'parts', amountMinor: 496, rule: rules[0], commissionMinor: 15 },
    ]);
    // Rounded per line: 84 + 1 + 1 + 15; rounding the exact sum (99.4) instead would give 99.
    expect(result.commissionMinor).toBe(101);
  });

  it('pays nothing on a line no rule matches', () => {
    const rules: CommissionRule[] = [{ category: 'tyres', percent: 8 }];
    const result = commissionFor(
      rules,
      sale(2000, {
        items: [
          { category: 'tyres', amountMinor: 1000 },
          { category: 'oil', amountMinor: 1000 },
        ],
      }),
    );
    expect(result.lines[1]).toEqual({ category: 'oil', amountMinor: 1000, rule: null, commissionMinor: 0 });
    expect(result.commissionMinor).toBe(80);
  });

  it('pays a fixed rule once per conversion, however many lines it matches', () => {
    const rules: CommissionRule[] = [{ category: 'booking', fixed: 15 }, { percent: 5 }];
    const result = commissionFor(
      rules,
      sale(30000, {
        items: [
          { category: 'booking', amountMinor: 10000 },
          { category: 'booking', amountMinor: 10000 },
          { category: 'tyres', amountMinor: 10000 },
        ],
      }),
    );
    expect(result.lines.map((l) => l.commissionMinor)).toEqual([1500, 0, 500]);
    expect(result.lines[1]?.rule).toBe(rules[0]);
    expect(result.commissionMinor).toBe(2000);
  });

  it('converts a fixed fee to the minor units of the conversion currency', () => {
    expect(commissionFor([{ fixed: 1500 }], sale(0, { currency: 'JPY' })).commissionMinor).toBe(1500);
    expect(commissionFor([{ fixed: 2.5 }], sale(0, { currency: 'KWD' })).commissionMinor).toBe(2500);
  });

  it('computes on the whole amount when the list of lines is empty', () => {
    expect(commissionFor([{ percent: 10 }], sale(1000, { items: [] })).commissionMinor).toBe(100);
  });

  it('pays nothing without rules', () => {
    expect(commissionFor([], sale(1000))).toEqual({
      commissionMinor: 0,
      currency: 'EUR',
      lines: [{ amountMinor: 1000, rule: null, commissionMinor: 0 }],
    });
  });

  const amount = fc.integer({ min: 0, max: 10 ** 12 });
  const percent = fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 10_000);
  const category = fc.constantFrom('tyres', 'oil', 'brakes', undefined);
  const percentRules = fc.array(
    fc.record({ category, event: fc.constantFrom('lead', 'sale', undefined), percent }, { requiredKeys: ['percent'] }),
    { maxLength: 6 },
  );
  const items = fc.array(fc.record({ category, amountMinor: amount }, { requiredKeys: ['amountMinor'] }), {
    maxLength: 8,
  });
  const anyRules = fc.array(
    fc.oneof(
      fc.record({ category, percent }, { requiredKeys: ['percent'] }),
      fc.record(
        { category, fixed: fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100) },
        { requiredKeys: ['fixed'] },
      ),
    ),
    { maxLength: 6 },
  );

  it('is never negative and its total is the sum of its lines', () => {
    fc.assert(
      fc.property(anyRules, items, amount, (rules, lines, total) => {
        const result = commissionFor(rules as CommissionRule[], sale(total, { items: lines }));
        expect(result.commissionMinor).toBe(result.lines.reduce((s, l) => s + l.commissionMinor, 0));
        for (const line of result.lines) expect(line.commissionMinor).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(result.commissionMinor)).toBe(true);
      }),
    );
  });

  it('never exceeds the amount with percent rules of at most 100', () => {
    fc.assert(
      fc.property(percentRules, items, amount, (rules, lines, total) => {
        const result = commissionFor(rules as CommissionRule[], sale(total, { items: lines }));
        for (const line of result.lines) expect(line.commissionMinor).toBeLessThanOrEqual(line.amountMinor);
        const base = lines.length ? lines.reduce((s, l) => s + l.amountMinor, 0) : total;
        expect(result.commissionMinor).toBeLessThanOrEqual(base);
      }),
    );
  });

  it('is within half a minor unit of the exact percent on every line', () => {
    fc.assert(
      fc.property(amount, percent, (amountMinor, p) => {
        const got = percentOf(amountMinor, p);
        // Exact value is amountMinor * p / 100; compare in integers scaled by 1e6.
        const exactScaled = BigInt(amountMinor) * BigInt(Math.round(p * 10_000));
        const diff = BigInt(got) * 1_000_000n - exactScaled;
        expect((diff < 0n ? -diff : diff) <= 500_000n).toBe(true);
      }),
    );
  });
});

describe('reverseCommission', () => {
  it('takes back a proportional share of the commission for a partial refund, rounded half up', () => {
    expect(reverseCommission(840, 2500, 10000)).toBe(210);
    expect(reverseCommission(84, 522, 1044)).toBe(42);
    expect(reverseCommission(85, 522, 1044)).toBe(43); // 42.5 -> 43
    expect(reverseCommission(1, 1, 3)).toBe(0); // 0.33 -> 0
    expect(reverseCommission(101, 1, 2)).toBe(51); // 50.5 -> 51
  });

  it('takes back everything for a full refund or more', () => {
    expect(reverseCommission(840, 10000, 10000)).toBe(840);
    expect(reverseCommission(840, 12000, 10000)).toBe(840);
  });

  it('takes back everything of a conversion without an amount, such as a lead fee', () => {
    expect(reverseCommission(1500, 0, 0)).toBe(1500);
  });

  it('takes back nothing when nothing is refunded', () => {
    expect(reverseCommission(840, 0, 10000)).toBe(0);
  });

  it('never takes back more than the commission nor less than nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 1, max: 10 ** 12 }),
        (original, refunded, total) => {
          const back = reverseCommission(original, refunded, total);
          expect(back).toBeGreaterThanOrEqual(0);
          expect(back).toBeLessThanOrEqual(original);
        },
      ),
    );
  });
});
