import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Conversion } from '../../src/db/schema';
import { type CommissionRule, commissionFor } from '../../src/domain/commission';
import type { AppError } from '../../src/http/errors';
import { type ConversionChange, planChange } from '../../src/services/conversions';

/** A stored conversion of `items` priced by `rules`, pending and unrefunded. */
function priced(
  rules: CommissionRule[],
  items: { category?: string; amountMinor: number }[],
  over: Partial<Conversion> = {},
) {
  const amountMinor = items.reduce((sum, i) => sum + i.amountMinor, 0);
  const commission = commissionFor(rules, { event: 'sale', amountMinor, currency: 'EUR', items });
  return {
    id: 'cnv_1',
    status: 'pending',
    amountMinor,
    currency: 'EUR',
    reportingCurrency: 'EUR',
    exchangeRate: '1',
    refundedAmountMinor: 0,
    commissionMinor: commission.commissionMinor,
    earnedCommissionMinor: commission.commissionMinor,
    commissionDetail: {
      planId: null,
      currency: 'EUR',
      earnedMinor: commission.commissionMinor,
      lines: commission.lines,
    },
    items,
    ...over,
  } as Conversion;
}

const refund = (refundedAmountMinor: number): ConversionChange => ({
  refund: { refundedAmountMinor },
  source: 'postback',
});

/** What a change leaves of a conversion's money and lines. */
const money = (c: Conversion) => ({
  status: c.status,
  refundedAmountMinor: c.refundedAmountMinor,
  commissionMinor: c.commissionMinor,
  items: c.items,
  commissionDetail: c.commissionDetail,
  reportingCommissionMinor: c.reportingCommissionMinor,
  reportingRefundedMinor: c.reportingRefundedMinor,
});

/** Applies refunded totals one after the other, as successive postbacks would. */
function refundedInTurn(conversion: Conversion, totals: number[]): Conversion {
  return totals.reduce((c, total) => planChange(c, refund(total))?.after ?? c, conversion);
}

const order = fc.record({
  rates: fc.tuple(fc.integer({ min: 1, max: 300_000 }), fc.integer({ min: 1, max: 300_000 })),
  fee: fc.integer({ min: 0, max: 5_000 }),
  items: fc.array(
    fc.record({ category: fc.constantFrom('a', 'b', 'c'), amountMinor: fc.integer({ min: 0, max: 10 ** 7 }) }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe('planChange: refunds', () => {
  it('depends only on the refunded total, never on the refunds that led to it', () => {
    fc.assert(
      fc.property(
        order.chain((o) => {
          const total = o.items.reduce((sum, i) => sum + i.amountMinor, 0);
          return fc.tuple(fc.constant(o), fc.array(fc.integer({ min: 0, max: total }), { minLength: 1, maxLength: 4 }));
        }),
        ([o, totals]) => {
          const rules: CommissionRule[] = [
            { category: 'a', percent: o.rates[0] / 10_000 },
            { category: 'b', fixed: o.fee / 100 },
            { percent: o.rates[1] / 10_000 },
          ];
          const conversion = priced(rules, o.items);
          const steps = [...totals].sort((a, b) => a - b);
          const last = steps.at(-1) as number;
          expect(money(refundedInTurn(conversion, steps))).toEqual(money(refundedInTurn(conversion, [last])));
        },
      ),
    );
  });

  it('changes nothing for the same total again', () => {
    const conversion = refundedInTurn(priced([{ percent: 10 }], [{ amountMinor: 10_000 }]), [2_500]);
    expect(planChange(conversion, refund(2_500))).toBeNull();
  });

  it('never takes back from a line refunded on its own when a larger total comes alone', () => {
    const rules: CommissionRule[] = [
      { category: 'a', percent: 2 },
      { category: 'b', percent: 10 },
    ];
    const order = priced(rules, [
      { category: 'a', amountMinor: 6_000 },
      { category: 'b', amountMinor: 4_000 },
    ]);
    const lineB = planChange(order, { refund: { lines: [0, 1_000] }, source: 'postback' })?.after as Conversion;
    expect(lineB.commissionMinor).toBe(420);
    const more = planChange(lineB, refund(1_100))?.after as Conversion;
    expect(more.items?.map((i) => i.refundedAmountMinor)).toEqual([67, 1_033]);
    expect(more.commissionMinor).toBe(416);
  });

  it('refuses line figures that lower a line’s refund with 409 invalid_refund', () => {
    const order = priced([{ percent: 10 }], [{ amountMinor: 6_000 }, { amountMinor: 4_000 }]);
    const refunded = planChange(order, { refund: { lines: [0, 1_000] }, source: 'postback' })?.after as Conversion;
    expect(() => planChange(refunded, { refund: { lines: [600, 500] }, source: 'postback' })).toThrow(
      expect.objectContaining({ status: 409, code: 'invalid_refund' }) as AppError,
    );
  });

  it('refuses a total below what is refunded already with 409 invalid_refund', () => {
    const conversion = refundedInTurn(priced([{ percent: 10 }], [{ amountMinor: 10_000 }]), [2_500]);
    expect(() => planChange(conversion, refund(2_000))).toThrow(
      expect.objectContaining({ status: 409, code: 'invalid_refund' }) as AppError,
    );
  });

  it('takes two partial refunds then a full one to commissions of 7.50, 5.00 and 0, reversed at the end', () => {
    let conversion = priced([{ percent: 10 }], [{ amountMinor: 10_000 }]);
    const seen = [2_500, 5_000, 10_000].map((total) => {
      conversion = planChange(conversion, refund(total))?.after ?? conversion;
      return [conversion.status, conversion.commissionMinor];
    });
    expect(seen).toEqual([
      ['pending', 750],
      ['pending', 500],
      ['reversed', 0],
    ]);
  });
});
