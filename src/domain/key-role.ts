// Whom an API key speaks for: the whole service (admin) or a single live partner, read-only.
import type { PartnerStatus } from './partnership';

export const KEY_ROLES = ['admin', 'partner'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** Who a key lets in: an admin, or a partner key confined to `partnerId`. */
export type KeyHolder = { role: 'admin' } | { role: 'partner'; partnerId: string };

/** A stored key as authentication reads it, with the partner it names (null: none, or none found). */
export type StoredKey = {
  role: KeyRole;
  partnerId: string | null;
  partner: { status: PartnerStatus; deletedAt: Date | null } | null;
};

/**
 * Whom a stored, unrevoked key speaks for, or null when it must be refused. A partner key counts
 * only while its partner exists, is not deleted and has not ended; a partner key naming no partner
 * is refused: reading it as an admin key would hand every right to a malformed row.
 * @example keyHolder({ role: 'partner', partnerId: null, partner: null }) // null
 */
export function keyHolder(key: StoredKey): KeyHolder | null {
  if (key.role === 'admin') return { role: 'admin' };
  if (key.role !== 'partner' || !key.partnerId || !key.partner) return null;
  if (key.partner.deletedAt !== null || key.partner.status === 'ended') return null;
  return { role: 'partner', partnerId: key.partnerId };
}
