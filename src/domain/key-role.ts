// Whom an API key speaks for: the whole service (admin) or a single partner, read-only.

export const KEY_ROLES = ['admin', 'partner'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];
