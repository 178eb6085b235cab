// How a click came about: a tracked link, or a referral code that led to the partner's site.

export const CLICK_SOURCES = ['link', 'referral'] as const;
export type ClickSource = (typeof CLICK_SOURCES)[number];
