// Where a push of a day's figures to a partner stands: still to be tried, delivered, or given up.

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
