// Where a partnership stands and how the partner is wired in: the closed lists a partner is described by.

export const PARTNER_STATUSES = ['prospect', 'negotiating', 'active', 'paused', 'ended'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const INTEGRATIONS = ['direct_api', 'affiliate_platform', 'affiliate_link', 'referral'] as const;
export type Integration = (typeof INTEGRATIONS)[number];
