import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CommissionRule, commissionFor } from '../../src/domain/commission';
import {
  commissionAfterRefunds,
  lineCommission,
  type PricedLine,
  refundOf,
  spreadRefund,
} from '../../src/domain/refunds';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const percent = (p: number, amountMinor: number, commissionMinor: number): PricedLine => ({
  amountMinor,
  rule: { percent: p },
  commissionMinor,
});

/** Orders priced as intake prices them: a few rules, one to five lines of categories they may match. */
const pricedOrder = fc
  .record({
    rules: fc.array(
      fc.oneof(
        fc.record({ category: fc.constantFrom('a', 'b'), percent: fc.integer({ min: 1, max: 400_000 }) }),
        fc.record({ category: fc.constantFrom('a', 'b'), fixed: fc.integer({ min: 0, max: 5_000 }) }),
      ),
      { maxLength: 3 },
    ),
    fallback: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
    items: fc.array(
      fc.record({
        category: fc.constantFrom('a', 'b', 'c'),
        amountMinor: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 10 ** 9 })),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  })
  .map(({ rules, fallback, items }) => {
    const asRules: CommissionRule[] = rules.map((r) =>
      'percent' in r
        ? { category: r.category, percent: r.percent / 10_000 }
        : { category: r.category, fixed: r.fixed / 100 },
    );
    if (fallback !== undefined) asRules.push({ percent: fallback / 10_000 });
    const amountMinor = sum(items.map((i) => i.amountMinor));
    return commissionFor(asRules, { event: 'sale', amountMinor, currency: 'EUR', items }).lines;
  });

/** An order and two refunded totals of it, the first no larger than the second. */
const orderAndTwoTotals = pricedOrder.chain((lines) => {
  const total = sum(lines.map((l) => l.amountMinor));
  return fc
    .tuple(fc.integer({ min: 0, max: total }), fc.integer({ min: 0, max: total }))
    .map(([a, b]) => ({ lines, smaller: Math.min(a, b), larger: Math.max(a, b) }));
});

const amounts = (lines: readonly PricedLine[]) => lines.map((l) => l.amountMinor);
const commissionOf = (lines: readonly PricedLine[], refundedMinor: number) =>
  commissionAfterRefunds(lines, spreadRefund(amounts(lines), refundedMinor)).commissionMinor;

describe('spreadRefund', () => {
  it('spreads a total over the lines in proportion to their amounts', () => {
    expect(spreadRefund([6000, 4000], 1000)).toEqual([600, 400]);
    expect(spreadRefund([12_000, 3_000], 5_000)).toEqual([4_000, 1_000]);
    expect(spreadRefund([10_000], 2_500)).toEqual([2_500]);
  });

  it('gives the unit left over by rounding to the earlier of equal lines', () => {
    expect(spreadRefund([100, 100, 100], 100)).toEqual([34, 33, 33]);
    expect(spreadRefund([100, 100, 100], 200)).toEqual([67, 67, 66]);
  });

  it('refunds every line wholly for the whole total, and none for nothing', () => {
    expect(spreadRefund([1, 2, 3], 6)).toEqual([1, 2, 3]);
    expect(spreadRefund([1, 2, 3], 0)).toEqual([0, 0, 0]);
  });

  it('never gives a unit to a line without an amount', () => {
    expect(spreadRefund([0, 500, 0], 250)).toEqual([0, 250, 0]);
  });

  it('never takes a unit from a line as the total grows, where the largest remainder would', () => {
    // Largest remainder gives 10 -> [4, 4, 2], then 11 -> [5, 5, 1]: at 1%, 1% and 50%, the larger
    // refund would pay 1.12 where the smaller paid 1.11.
    expect(spreadRefund([600, 600, 200], 10)).toEqual([5, 4, 1]);
    expect(spreadRefund([600, 600, 200], 11)).toEqual([5, 5, 1]);
  });

  it('refuses a total below nothing or above the lines', () => {
    expect(() => spreadRefund([100], 101)).toThrow(RangeError);
    expect(() => spreadRefund([100], -1)).toThrow(RangeError);
  });

  const linesAndTotal = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 10 ** 12 })), {
      minLength: 1,
      maxLength: 8,
    })
    .chain((lines) => fc.tuple(fc.constant(lines), fc.integer({ min: 0, max: sum(lines) })));

  it('adds up exactly to the total, each line between nothing and its amount', () => {
    fc.assert(
      fc.property(linesAndTotal, ([lines, total]) => {
        const spread = spreadRefund(lines, total);
        expect(sum(spread)).toBe(total);
        spread.forEach((r, i) => {
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThanOrEqual(lines[i] as number);
        });
      }),
    );
  });

  it('gives no line less when the total grows by a unit', () => {
    fc.assert(
      fc.property(
        linesAndTotal.filter(([lines, total]) => total < sum(lines)),
        ([lines, total]) => {
          const before = spreadRefund(lines, total);
          const after = spreadRefund(lines, total + 1);
          for (const [i, r] of after.entries()) expect(r).toBeGreaterThanOrEqual(before[i] as number);
        },
      ),
    );
  });

  it('gives each of two lines its exact share, rounded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, f) => {
          const total = Math.floor((a + b) * f);
          const [first = 0] = spreadRefund([a, b], total);
          expect(Math.abs(first - (total * a) / (a + b))).toBeLessThanOrEqual(0.5 + 1e-9);
        },
      ),
    );
  });
});

describe('lineCommission', () => {
  it('pays a percent of what remains of the line, rounded half up as when it was priced', () => {
    expect(lineCommission(percent(8.4, 10_000, 840), 2_500)).toBe(630);
    expect(lineCommission(percent(8, 1_044, 84), 522)).toBe(42); // 41.76 -> 42
    expect(lineCommission(percent(12.5, 4, 1), 0)).toBe(1);
  });

  it('keeps a fixed fee while anything of its line remains, and takes it back once it is wholly refunded', () => {
    const fee: PricedLine = { amountMinor: 5_000, rule: { fixed: 15 }, commissionMinor: 1_500 };
    expect(lineCommission(fee, 4_999)).toBe(1_500);
    expect(lineCommission(fee, 5_000)).toBe(0);
  });

  it('keeps what a line priced without a rule of ours earned, in proportion to what remains', () => {
    const elsewhere: PricedLine = { amountMinor: 10_000, rule: null, commissionMinor: 840 };
    expect(lineCommission(elsewhere, 2_500)).toBe(630);
    expect(lineCommission(elsewhere, 10_000)).toBe(0);
  });

  it('never pays a line more than it earned', () => {
    // Earned under a cap or another rounding: the refund never raises it.
    expect(lineCommission(percent(10, 10_000, 500), 1_000)).toBe(500);
  });
});

describe('commissionAfterRefunds', () => {
  it('pays each line on what remains of it, by its own rule', () => {
    const lines = [percent(10, 12_000, 1_200), percent(5, 3_000, 150)];
    expect(commissionAfterRefunds(lines, [12_000, 1_000])).toEqual({
      commissionMinor: 100,
      lines: [
        { refundedAmountMinor: 12_000, commissionMinor: 0 },
        { refundedAmountMinor: 1_000, commissionMinor: 100 },
      ],
    });
  });

  it('pays nothing once the whole order is refunded, a fee on a line without an amount included', () => {
    const lines: PricedLine[] = [percent(10, 5_000, 500), { amountMinor: 0, rule: { fixed: 3 }, commissionMinor: 300 }];
    expect(commissionAfterRefunds(lines, [4_999, 0]).commissionMinor).toBe(300);
    expect(commissionAfterRefunds(lines, [5_000, 0]).commissionMinor).toBe(0);
  });

  it('keeps a lead’s fee when nothing is refunded', () => {
    const lead: PricedLine[] = [{ amountMinor: 0, rule: { fixed: 15 }, commissionMinor: 1_500 }];
    expect(commissionAfterRefunds(lead, [0]).commissionMinor).toBe(1_500);
  });

  it('pays between nothing and what the order earned, whatever is refunded', () => {
    fc.assert(
      fc.property(orderAndTwoTotals, ({ lines, larger }) => {
        const commission = commissionOf(lines, larger);
        expect(commission).toBeGreaterThanOrEqual(0);
        expect(commission).toBeLessThanOrEqual(sum(lines.map((l) => l.commissionMinor)));
      }),
    );
  });

  it('never pays more for a larger refund', () => {
    fc.assert(
      fc.property(orderAndTwoTotals, ({ lines, smaller, larger }) => {
        expect(commissionOf(lines, larger)).toBeLessThanOrEqual(commissionOf(lines, smaller));
      }),
    );
  });

  it('never pays more when any line is refunded more', () => {
    const orderAndLineRefunds = pricedOrder.chain((lines) =>
      fc.tuple(
        fc.constant(lines),
        fc.tuple(...lines.map((l) => fc.tuple(fc.nat({ max: l.amountMinor }), fc.nat({ max: l.amountMinor })))),
      ),
    );
    fc.assert(
      fc.property(orderAndLineRefunds, ([lines, pairs]) => {
        const low = pairs.map(([a, b]) => Math.min(a, b));
        const high = pairs.map(([a, b]) => Math.max(a, b));
        expect(commissionAfterRefunds(lines, high).commissionMinor).toBeLessThanOrEqual(
          commissionAfterRefunds(lines, low).commissionMinor,
        );
      }),
    );
  });

  it('pays nothing for a full refund and everything for none', () => {
    fc.assert(
      fc.property(pricedOrder, (lines) => {
        const total = sum(amounts(lines));
        if (total > 0) expect(commissionOf(lines, total)).toBe(0);
        expect(commissionOf(lines, 0)).toBe(sum(lines.map((l) => l.commissionMinor)));
      }),
    );
  });
});

describe('refundOf', () => {
  it('spreads only what a total adds over what remains of lines refunded one by one before', () => {
    expect(refundOf(10_000, [6_000, 4_000], { refundedAmountMinor: 1_100 }, [0, 1_000])).toEqual({
      ok: true,
      refundedAmountMinor: 1_100,
      lines: [67, 1_033],
    });
    // Refunded by totals before: the spread of the new total, as if it had come at once.
    expect(refundOf(10_000, [6_000, 4_000], { refundedAmountMinor: 1_100 }, [600, 400])).toMatchObject({
      lines: [660, 440],
    });
  });

  it('never gives a line less than it had, whatever came before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (amounts, shares, more) => {
          const before = amounts.map((a, i) => Math.floor(a * (shares[i] ?? 0)));
          const amount = amounts.reduce((x, y) => x + y, 0);
          const already = before.reduce((x, y) => x + y, 0);
          const total = already + Math.floor((amount - already) * more);
          const result = refundOf(amount, amounts, { refundedAmountMinor: total }, before);
          if (!result.ok) throw new Error(result.problem.message);
          expect(result.lines.reduce((x, y) => x + y, 0)).toBe(total);
          result.lines.forEach((r, i) => {
            expect(r).toBeGreaterThanOrEqual(before[i] ?? 0);
            expect(r).toBeLessThanOrEqual(amounts[i] ?? 0);
          });
        },
      ),
    );
  });

  it('spreads a refunded total over the lines', () => {
    expect(refundOf(10_000, [6_000, 4_000], { refundedAmountMinor: 1_000 })).toEqual({
      ok: true,
      refundedAmountMinor: 1_000,
      lines: [600, 400],
    });
  });

  it('takes the lines’ figures as sent, a line left out refunded of nothing, the total their sum', () => {
    expect(refundOf(10_000, [6_000, 4_000], { lines: [undefined, 4_000] })).toEqual({
      ok: true,
      refundedAmountMinor: 4_000,
      lines: [0, 4_000],
    });
  });

  it('refunds lines that leave part of the amount out (shipping) in the same proportion as the whole', () => {
    // 100.00 with 90.00 of lines: half of the amount is half of the lines.
    expect(refundOf(10_000, [6_000, 3_000], { refundedAmountMinor: 5_000 })).toMatchObject({ lines: [3_000, 1_500] });
    expect(refundOf(10_000, [6_000, 3_000], { lines: [6_000, 3_000] })).toMatchObject({ refundedAmountMinor: 10_000 });
  });

  it.each([
    ['a total above the amount', { refundedAmountMinor: 10_001 }, ['refundedAmount']],
    ['a line above its amount', { lines: [6_001, 0] }, ['items', 0, 'refundedAmount']],
    ['figures for another number of lines', { lines: [1_000] }, ['items']],
    ['a total that is not the sum of the lines', { refundedAmountMinor: 2_000, lines: [500, 500] }, ['refundedAmount']],
  ])('refuses %s, naming the field', (_what, ask, path) => {
    const result = refundOf(10_000, [6_000, 4_000], ask);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.path).toEqual(path);
  });
});
