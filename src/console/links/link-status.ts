// Whether a link sends visitors to its destination, as its pages say it.

export const LINK_STATUSES = ['active', 'expired', 'disabled'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

/**
 * A disabled link is `disabled` whatever its expiry; one whose expiry has come is `expired`; the
 * redirect sends both to the fallback URL (or answers 410).
 * @example linkStatus({ isDisabled: false, expiresAt: new Date(0) }, Date.now()) // 'expired'
 */
export function linkStatus(link: { isDisabled: boolean; expiresAt: Date | null }, nowMs: number): LinkStatus {
  if (link.isDisabled) return 'disabled';
  if (link.expiresAt !== null && link.expiresAt.getTime() <= nowMs) return 'expired';
  return 'active';
}
