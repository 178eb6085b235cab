// The steps of the purchase funnel a click can report through GET and POST /e, apart from conversions.

export const EVENT_TYPES = ['add_to_cart', 'lead', 'checkout', 'sale'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
