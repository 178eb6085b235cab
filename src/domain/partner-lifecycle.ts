// Which status changes a partnership may go through.
import type { PartnerStatus } from './partnership';

/**
 * Whether a partner in status `from` may be set to `to` (undefined: the status is not changed).
 * `ended` is the end of a partnership: a new one is a new partner, so that its history stays apart.
 * @example canChangeStatus('ended', 'active') // false
 */
export function canChangeStatus(from: PartnerStatus, to: PartnerStatus | undefined): boolean {
  return !(to && from === 'ended' && to !== 'ended');
}
