// Delivery resource (a push to a partner and its attempts): validation, types and OpenAPI.
import { z } from '@hono/zod-openapi';
import { DELIVERY_STATUSES } from '../domain/delivery-status';

export const deliverySchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    date: z.string().openapi({ description: 'The day (of `REPORT_TIMEZONE`) whose figures are pushed.' }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    webhookId: z.string().openapi({
      description:
        'Same on every retry of this delivery, so receivers can drop repeats; a day sent again on purpose (rebuilt figures, admin re-send) is a new message with a new id.',
    }),
    url: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Delivery');

export const deliveryAttemptSchema = z
  .object({
    attempt: z.number().int(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('DeliveryAttempt');

export const deliveryWithAttemptsSchema = deliverySchema
  .extend({ attemptLog: z.array(deliveryAttemptSchema) })
  .openapi('DeliveryWithAttempts');

export const deliveryListQuery = z.object({
  partnerId: z.string().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});
