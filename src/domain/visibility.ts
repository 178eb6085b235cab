// Whose data a caller may see: an admin every partner's, a partner key its own partner's only.

/** A caller's reach, as services take it: `partnerId` is null for an admin, else the key's partner. */
export type CallerScope = { readonly partnerId: string | null };

/**
 * Whether a row owned by `ownerPartnerId` is within the caller's reach.
 * @example canSee({ partnerId: 'ptn_a' }, 'ptn_b') // false
 */
export function canSee(scope: CallerScope, ownerPartnerId: string | null | undefined): boolean {
  return scope.partnerId === null || ownerPartnerId === scope.partnerId;
}

/**
 * The partner a list is restricted to: a partner key's own, else the one asked for (none: every
 * partner). Null when a partner key asks for another partner's rows, which then do not exist for it.
 * @example partnerFilterOf({ partnerId: 'ptn_a' }, undefined) // { partnerId: 'ptn_a' }
 */
export function partnerFilterOf(
  scope: CallerScope,
  requested: string | undefined,
): { partnerId: string | undefined } | null {
  if (scope.partnerId === null) return { partnerId: requested };
  if (requested && requested !== scope.partnerId) return null;
  return { partnerId: scope.partnerId };
}
