// The life of a conversion's status: which changes a postback or an admin may make.
import { z } from 'zod';

export const CONVERSION_STATUSES = ['pending', 'approved', 'rejected', 'reversed'] as const;
export const conversionStatusSchema = z.enum(CONVERSION_STATUSES);
export type ConversionStatus = z.infer<typeof conversionStatusSchema>;
export type Status = ConversionStatus;

/** Who changed a conversion: a partner's postback, an admin through the API, the reconciliation job, or a sync with the partner's affiliate network. */
export const STATUS_CHANGE_SOURCES = ['postback', 'api', 'reconcile', 'network'] as const;
export type StatusChangeSource = (typeof STATUS_CHANGE_SOURCES)[number];

export type Transition = 'same' | 'allowed' | 'invalid';

// Rejected and reversed are final: money taken back is never paid again by a late postback.
const NEXT: Record<Status, readonly Status[]> = {
  pending: ['approved', 'rejected', 'reversed'],
  approved: ['reversed'],
  rejected: [],
  reversed: [],
};

/**
 * Whether a conversion may move from `from` to `to`: `same` (nothing to change, a duplicate),
 * `allowed`, or `invalid` (answered 409 `invalid_transition`).
 * @example transition('pending', 'approved') // 'allowed'
 * @example transition('approved', 'pending') // 'invalid'
 */
export function transition(from: Status, to: Status): Transition {
  if (from === to) return 'same';
  return NEXT[from].includes(to) ? 'allowed' : 'invalid';
}

/**
 * Whether no status change can follow `status`.
 * @example isFinalStatus('reversed') // true
 */
export function isFinalStatus(status: Status): boolean {
  return NEXT[status].length === 0;
}
