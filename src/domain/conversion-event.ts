// What a conversion records: a lead, an add to cart or a sale, each stored and paid for on its own.
import { z } from 'zod';

export const CONVERSION_EVENTS = ['lead', 'add_to_cart', 'sale'] as const;
export const conversionEventSchema = z.enum(CONVERSION_EVENTS);
export type ConversionEvent = z.infer<typeof conversionEventSchema>;
