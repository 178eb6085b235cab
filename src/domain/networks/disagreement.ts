// Where a network and Relais may disagree on a transaction: which status Relais takes, and what is flagged instead of refused.
import { type ConversionStatus, transition } from '../conversion-status';

/** A conversion as stored, or a network's transaction as read: its status and money. */
export type TransactionState = { status: ConversionStatus; amountMinor: number; refundedAmountMinor: number };

/** What a network says of a transaction that Relais keeps otherwise: its status, its sale amount. */
export type NetworkDisagreement = {
  network: { status: ConversionStatus; amountMinor: number };
  relais: { status: ConversionStatus; amountMinor: number };
};

const isPaying = (status: ConversionStatus) => status === 'pending' || status === 'approved';

/**
 * The status a network's transaction moves a conversion to. Its own where the rules allow it; an
 * approved conversion the network declines is reversed (its commission taken back, as declined
 * pays nothing); a move the rules forbid (approved back to pending, out of rejected or reversed,
 * such as a conversion approved by hand that the network still has pending) keeps the status
 * Relais has: money decided here is never paid back or taken back by a late listing.
 * @example networkStatusFor('approved', 'pending') // 'approved'
 * @example networkStatusFor('approved', 'rejected') // 'reversed'
 */
export function networkStatusFor(from: ConversionStatus, asked: ConversionStatus): ConversionStatus {
  if (from === 'approved' && asked === 'rejected') return 'reversed';
  return transition(from, asked) === 'invalid' ? from : asked;
}

/**
 * What Relais keeps against what the network says, or null when it follows the network: a status
 * it will not move to (`networkStatusFor`), unless neither pays (a declined transaction that is
 * reversed here) or the network's sale is down to nothing (reversed here by that very amount);
 * and, on a conversion still paying, a sale amount above what remains of it (back up after a
 * partial refund, or above the amount first read), as refunded totals only grow.
 * @example networkDisagreement({ status: 'approved', amountMinor: 12000, refundedAmountMinor: 0 }, { status: 'pending', amountMinor: 12000, refundedAmountMinor: 0 })
 * // { network: { status: 'pending', amountMinor: 12000 }, relais: { status: 'approved', amountMinor: 12000 } }
 */
export function networkDisagreement(stored: TransactionState, network: TransactionState): NetworkDisagreement | null {
  const kept = networkStatusFor(stored.status, network.status);
  const remainingMinor = stored.amountMinor - stored.refundedAmountMinor;
  const isStatusKept =
    kept !== network.status &&
    (isPaying(kept) || isPaying(network.status)) &&
    !(kept === 'reversed' && network.amountMinor === 0);
  const isAmountKept = isPaying(kept) && network.amountMinor > remainingMinor;
  if (!isStatusKept && !isAmountKept) return null;
  return {
    network: { status: network.status, amountMinor: network.amountMinor },
    relais: { status: kept, amountMinor: remainingMinor },
  };
}
