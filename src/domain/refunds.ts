// Refunds as amounts: how a refunded total spreads over an order's lines, and what each line still earns.
//
// Everything here is a function of the refunded totals alone, never of the refunds that led to
// them: two partial refunds give what one refund of their sum gives, and a retried refund
// changes nothing.
import { type CommissionLine, percentOf, reverseCommission } from './commission';
import { divideHalfUp } from './money';

/** An order line as it was priced: its amount, the rule that paid it and what it earned then. */
export type PricedLine = Pick<CommissionLine, 'amountMinor' | 'rule' | 'commissionMinor'>;

/** A line once refunds are applied: its refunded total and the commission it still earns. */
export type RefundedLine = { refundedAmountMinor: number; commissionMinor: number };

/**
 * `refundedMinor` spread over lines in proportion to their amounts, in whole minor units that add
 * up exactly to it (it must lie between 0 and the lines' total).
 *
 * The units go out by highest averages (Sainte-Laguë): a line's j-th unit comes at (j - ½) /
 * its amount, first come first served, ties to the earlier line. Unlike the largest-remainder
 * rule, this never takes a unit from a line when the total grows (the "Alabama paradox"), so a
 * larger refund can never leave a line, hence the commission, with more than a smaller one did.
 * Each line gets its exact share rounded, but for rare near-ties; never more than its amount.
 * @example spreadRefund([6000, 4000], 1000) // [600, 400]
 * @example spreadRefund([100, 100, 100], 100) // [34, 33, 33]
 */
export function spreadRefund(amountsMinor: readonly number[], refundedMinor: number): number[] {
  const total = amountsMinor.reduce((sum, a) => sum + a, 0);
  if (refundedMinor < 0 || refundedMinor > total) throw new RangeError(`cannot spread ${refundedMinor} over ${total}`);
  if (refundedMinor === total) return [...amountsMinor];
  const amounts = amountsMinor.map(BigInt);
  const r = BigInt(refundedMinor);
  const s = BigInt(total);
  // Every unit due by the time r / s: a prefix of the order of units, at most a unit per line off.
  const shares = amounts.map((a) => (2n * r * a + s) / (2n * s));
  // Unit j of line i comes at (2j - 1) / 2a_i; times are compared as cross products, exactly.
  const comesBefore = (i: number, j: bigint, k: number, l: bigint) =>
    (2n * j - 1n) * (amounts[k] as bigint) < (2n * l - 1n) * (amounts[i] as bigint);
  let given = shares.reduce((sum, n) => sum + n, 0n);
  for (; given > r; given--) {
    // Back goes the unit that came last (the later line's on a tie).
    let last = -1;
    shares.forEach((n, i) => {
      if (n > 0n && (last < 0 || !comesBefore(i, n, last, shares[last] as bigint))) last = i;
    });
    shares[last] = (shares[last] as bigint) - 1n;
  }
  for (; given < r; given++) {
    // Out goes the unit that comes next (the earlier line's on a tie).
    let next = -1;
    shares.forEach((n, i) => {
      if (n < (amounts[i] as bigint) && (next < 0 || comesBefore(i, n + 1n, next, (shares[next] as bigint) + 1n))) {
        next = i;
      }
    });
    shares[next] = (shares[next] as bigint) + 1n;
  }
  return shares.map(Number);
}

/**
 * What a priced line still earns once `refundedMinor` of it is refunded: a percent of what
 * remains (rounded as when it was priced, never above what it earned); a fixed fee while
 * anything of the line remains, nothing once it is wholly refunded; a commission of unknown
 * make (a line priced without a rule of ours) in proportion to what remains.
 * @example lineCommission({ amountMinor: 10000, rule: { percent: 8.4 }, commissionMinor: 840 }, 2500) // 630
 * @example lineCommission({ amountMinor: 5000, rule: { fixed: 15 }, commissionMinor: 1500 }, 4999) // 1500
 */
export function lineCommission(line: PricedLine, refundedMinor: number): number {
  const earned = line.commissionMinor;
  if (refundedMinor <= 0) return earned;
  const remaining = line.amountMinor - refundedMinor;
  if (remaining <= 0) return 0;
  if (line.rule?.percent !== undefined) return Math.min(earned, percentOf(remaining, line.rule.percent));
  if (line.rule?.fixed !== undefined) return earned;
  return earned - reverseCommission(earned, refundedMinor, line.amountMinor);
}

/**
 * The commission of priced lines after refunds (one refunded total per line): each line on
 * what remains of it, and nothing at all once the whole order is refunded (a fee on a line
 * without an amount goes with the rest).
 * @example commissionAfterRefunds([{ amountMinor: 10000, rule: { percent: 10 }, commissionMinor: 1000 }], [2500])
 * // { commissionMinor: 750, lines: [{ refundedAmountMinor: 2500, commissionMinor: 750 }] }
 */
export function commissionAfterRefunds(
  lines: readonly PricedLine[],
  refundedMinor: readonly number[],
): { commissionMinor: number; lines: RefundedLine[] } {
  const amount = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  const refunded = refundedMinor.reduce((sum, r) => sum + r, 0);
  const isWhollyRefunded = amount > 0 && refunded >= amount;
  const after = lines.map((line, i) => {
    const lineRefund = refundedMinor[i] ?? 0;
    return {
      refundedAmountMinor: lineRefund,
      commissionMinor: isWhollyRefunded ? 0 : lineCommission(line, lineRefund),
    };
  });
  return { commissionMinor: after.reduce((sum, l) => sum + l.commissionMinor, 0), lines: after };
}

/** A refund as asked: the conversion's refunded total and/or each line's (a line left out: none). */
export type RefundAsk = { refundedAmountMinor?: number; lines?: readonly (number | undefined)[] };

/** Why a refund cannot be taken as asked, with the path of the field at fault. */
export type RefundProblem = { path: (string | number)[]; message: string };

/**
 * The refunded total of a conversion of `amountMinor` and of each of its lines (their amounts
 * `lineAmountsMinor`), from what was asked: line figures as sent, else the total spread over the
 * lines (`spreadRefund`). Lines that do not add up to the amount (shipping left out, say) are
 * refunded in the same proportion as the whole. A total alone never takes back from a line what
 * `refundedBefore` says it had: when lines were refunded one by one before, only what the total
 * adds is spread, over what remains of each line. Refuses a total or a line above its amount, line
 * figures for another number of lines, and a total that is not the sum of the lines sent.
 * @example refundOf(10000, [6000, 4000], { refundedAmountMinor: 1000 }) // { ok: true, refundedAmountMinor: 1000, lines: [600, 400] }
 * @example refundOf(10000, [6000, 4000], { refundedAmountMinor: 1100 }, [0, 1000]).lines // [67, 1033]
 */
export function refundOf(
  amountMinor: number,
  lineAmountsMinor: readonly number[],
  ask: RefundAsk,
  refundedBefore: readonly number[] = [],
): { ok: true; refundedAmountMinor: number; lines: number[] } | { ok: false; problem: RefundProblem } {
  const fail = (path: (string | number)[], message: string) => ({ ok: false as const, problem: { path, message } });
  const linesTotal = lineAmountsMinor.reduce((sum, a) => sum + a, 0);
  if (ask.lines) {
    if (ask.lines.length !== lineAmountsMinor.length) {
      return fail(['items'], `must list the ${lineAmountsMinor.length} order line(s) of the conversion, in order`);
    }
    const lines = ask.lines.map((r) => r ?? 0);
    const over = lines.findIndex((r, i) => r > (lineAmountsMinor[i] ?? 0));
    if (over >= 0) return fail(['items', over, 'refundedAmount'], 'is more than the amount of its line');
    const sum = lines.reduce((a, r) => a + r, 0);
    const total = ask.refundedAmountMinor ?? inProportion(sum, linesTotal, amountMinor);
    if (total > amountMinor) return fail(['refundedAmount'], 'is more than the amount of the conversion');
    if (linesTotal === amountMinor && ask.refundedAmountMinor !== undefined && sum !== total) {
      return fail(['refundedAmount'], "must be the sum of the lines' refundedAmount");
    }
    return { ok: true, refundedAmountMinor: total, lines };
  }
  const total = ask.refundedAmountMinor ?? 0;
  if (total > amountMinor) return fail(['refundedAmount'], 'is more than the amount of the conversion');
  const share = inProportion(total, amountMinor, linesTotal);
  const spread = spreadRefund(lineAmountsMinor, share);
  const before = lineAmountsMinor.map((_, i) => refundedBefore[i] ?? 0);
  // A spread of a larger total gives no line less, so totals alone always land here.
  if (spread.every((r, i) => r >= (before[i] ?? 0))) return { ok: true, refundedAmountMinor: total, lines: spread };
  const remaining = lineAmountsMinor.map((a, i) => a - (before[i] ?? 0));
  const added = Math.min(
    Math.max(0, share - before.reduce((sum, r) => sum + r, 0)),
    remaining.reduce((sum, r) => sum + r, 0),
  );
  const extra = spreadRefund(remaining, added);
  return { ok: true, refundedAmountMinor: total, lines: before.map((r, i) => r + (extra[i] ?? 0)) };
}

/** `part` of `whole` as the same share of `other`, rounded half up (exact when the two agree). */
function inProportion(part: number, whole: number, other: number): number {
  if (whole === other) return part;
  if (whole === 0) return 0;
  return Number(divideHalfUp(BigInt(part) * BigInt(other), BigInt(whole)));
}
