// Conversion, postback-log and funnel-event resources: validation, types and OpenAPI from one set of schemas.
import { z } from '@hono/zod-openapi';
import { ATTRIBUTION_METHODS } from '../domain/attribution';
import { CONVERSION_EVENTS } from '../domain/conversion-event';
import { CONVERSION_STATUSES, STATUS_CHANGE_SOURCES } from '../domain/conversion-status';
import { EVENT_TYPES } from '../domain/funnel-event';
import { INTAKE_STATUSES, POSTBACK_OUTCOMES } from '../domain/postback-outcome';
import { isoDate, isoDateTime, moneySchema } from './common';

export const attributionSchema = z
  .object({
    method: z.enum(ATTRIBUTION_METHODS),
    clickId: z.string().nullable(),
    linkId: z.string().nullable(),
    confidence: z
      .number()
      .nullable()
      .openapi({ description: '1 for click id, codes and user; 0.9 cookie; 0.6 fingerprint.' }),
    clickToConversionMs: z.number().nullable(),
  })
  .openapi('Attribution');

export const postbackAnswerSchema = z
  .object({
    status: z.enum(INTAKE_STATUSES),
    conversionId: z.string().nullable().openapi({ description: 'Null in a dry run of a new conversion.' }),
    dryRun: z.literal(true).optional(),
    transactionId: z.string(),
    event: z.enum(CONVERSION_EVENTS),
    conversionStatus: z.enum(CONVERSION_STATUSES),
    amount: z.number(),
    refundedAmount: z.number().openapi({ description: 'The total refunded so far.' }),
    currency: z.string(),
    commission: z.number().openapi({ description: 'Major units, in `currency`: what it earns now, after refunds.' }),
    attribution: attributionSchema,
  })
  .openapi('PostbackAnswer');

export const historyEntrySchema = z
  .object({
    id: z.string(),
    fromStatus: z.enum(CONVERSION_STATUSES).nullable(),
    toStatus: z.enum(CONVERSION_STATUSES),
    amount: z.number().nullable().openapi({ description: 'The amount of the conversion.' }),
    refundedAmount: z.number().nullable().openapi({ description: 'The total refunded once the change was made.' }),
    commissionBefore: z
      .number()
      .nullable()
      .openapi({ description: 'The commission before the change (null for the first entry).' }),
    commission: z.number().nullable().openapi({ description: 'The commission after the change.' }),
    reason: z.string().nullable(),
    source: z.enum(STATUS_CHANGE_SOURCES),
    actor: z.string().nullable().openapi({
      description:
        "Who made a change by hand: a console user's id, an API key's id, or `admin-key` for the deployment's own key; null for postbacks and jobs.",
    }),
    createdAt: z.string(),
  })
  .openapi('ConversionHistoryEntry');

const money = (description: string) => z.number().openapi({ description });

export const conversionSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    transactionId: z.string(),
    event: z.enum(CONVERSION_EVENTS),
    status: z.enum(CONVERSION_STATUSES),
    rawStatus: z.string().nullable().openapi({ description: "The partner's own status value, as sent." }),
    amount: money('Major units of `currency`, as posted.'),
    refundedAmount: money('The total refunded so far.'),
    currency: z.string(),
    commission: money('What the conversion earns now, after refunds (0 once rejected or reversed).'),
    earnedCommission: money('What it earned before any refund, rejection or reversal.'),
    commissionDetail: z.unknown().openapi({
      description:
        'The plan and rule used for each order line and, once anything is refunded, what each line had refunded and gave back.',
    }),
    reportingCurrency: z
      .string()
      .optional()
      .openapi({ description: 'Only when `currency` is not the partner’s reporting currency; so are the next five.' }),
    exchangeRate: z.number().nullable().optional().openapi({
      description: 'Units of `reportingCurrency` per unit of `currency`; null while the day’s rate is missing.',
    }),
    converted: z.boolean().optional().openapi({ description: 'Whether the reporting figures are known yet.' }),
    reportingAmount: z.number().nullable().optional(),
    reportingCommission: z.number().nullable().optional(),
    category: z.string().nullable(),
    items: z
      .array(
        z.object({
          category: z.string().optional(),
          amount: z.number(),
          refundedAmount: z.number().optional().openapi({ description: 'The total refunded of this line so far.' }),
          sku: z.string().optional(),
          quantity: z.number().optional(),
        }),
      )
      .nullable(),
    coupon: z.string().nullable(),
    referralCode: z.string().nullable(),
    reportedClickId: z.string().nullable().openapi({ description: 'The click id the partner sent, if any.' }),
    attribution: attributionSchema,
    occurredAt: z.string(),
    approvedAt: z.string().nullable(),
    reversalReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Conversion');

export const conversionWithHistorySchema = conversionSchema
  .extend({ history: z.array(historyEntrySchema) })
  .openapi('ConversionWithHistory');

const timeBound = z.union([isoDateTime, isoDate]);

export const conversionListQuery = z.object({
  partnerId: z.string().optional(),
  status: z.enum(CONVERSION_STATUSES).optional(),
  method: z.enum(ATTRIBUTION_METHODS).optional(),
  from: timeBound.optional().openapi({ description: 'Occurred at or after (a date: its start in REPORT_TIMEZONE).' }),
  to: timeBound.optional().openapi({ description: 'Occurred at or before (a date: its end in REPORT_TIMEZONE).' }),
});

export const conversionPatchSchema = z
  .object({
    status: z.enum(CONVERSION_STATUSES).optional(),
    refundedAmount: moneySchema.optional().openapi({
      description:
        'The total refunded so far, in major units of the conversion’s currency: below the amount, a partial refund (the commission is computed again on what remains); the whole amount reverses the conversion.',
    }),
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.refundedAmount !== undefined, {
    message: 'give a status, a refundedAmount or both',
    path: ['status'],
  })
  .openapi('ConversionPatch');

export const attributeBodySchema = z
  .object({ clickId: z.string().min(1).max(200) })
  .strict()
  .openapi('ConversionAttribute');

export const postbackLogSchema = z
  .object({
    id: z.string(),
    partnerId: z.string().nullable(),
    partnerSlug: z.string(),
    method: z.string(),
    outcome: z.enum(POSTBACK_OUTCOMES),
    httpStatus: z.number(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    webhookId: z.string().nullable(),
    request: z
      .unknown()
      .openapi({ description: 'Parameters as received; token, customer id and IP addresses removed.' }),
    parsed: z.unknown().openapi({ description: 'The conversion read from them (hashes instead of raw identifiers).' }),
    conversionId: z.string().nullable(),
    replayable: z
      .boolean()
      .openapi({ description: 'Whether it passed authentication, so that an admin may replay it.' }),
    replayOf: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('PostbackLogEntry');

/** A logged postback as its partner's keys see it: what was read, without the hashes of app users' identifiers. */
export const postbackLogPublicSchema = postbackLogSchema
  .extend({
    parsed: z.unknown().openapi({
      description:
        'The conversion read from them, without the hashes kept for attribution (customer, fingerprints, visitor).',
    }),
  })
  .openapi('PostbackLogEntryPublic', {
    description: 'A logged postback as its partner keys see it: `parsed` without hashed identifiers.',
  });

export const postbackListQuery = z.object({
  partnerId: z.string().optional(),
  outcome: z.enum(POSTBACK_OUTCOMES).optional(),
});

export const postbackFailureSchema = z
  .object({
    id: z.string(),
    minute: z.string().openapi({ description: 'The minute counted (its start, ISO 8601 UTC).' }),
    partnerId: z.string().nullable().openapi({ description: 'Null for slugs that name no partner, counted together.' }),
    partnerSlug: z.string().openapi({ description: 'The slug asked; for unknown slugs, the latest one.' }),
    ipHash: z.string().nullable().openapi({ description: 'Keyed hash of the client address (never the address).' }),
    errorCode: z.string().openapi({ example: 'invalid_signature' }),
    httpStatus: z.number(),
    count: z.number().openapi({ description: 'Attempts refused with this code in this minute.' }),
    lastAt: z.string().openapi({ description: 'When the latest of them came.' }),
  })
  .openapi('PostbackFailureCount');

/** Failed attempts as a partner's keys see them: without the client addresses' hashes. */
export const postbackFailurePublicSchema = postbackFailureSchema
  .omit({ ipHash: true })
  .openapi('PostbackFailureCountPublic', {
    description: 'Failed postback attempts as partner keys see them: without the client addresses’ hashes.',
  });

export const postbackFailureListQuery = z.object({
  partnerId: z.string().optional(),
  errorCode: z.string().max(64).optional(),
});

export const replayQuery = z.object({
  dryRun: z.enum(['0', '1', 'true', 'false']).optional().openapi({ description: 'Validate and attribute only.' }),
});

export const replayAnswerSchema = z
  .object({
    logId: z.string().openapi({ description: 'The log entry of this replay.' }),
    httpStatus: z.number(),
    answer: z.unknown().openapi({ description: 'What the postback would have been answered.' }),
  })
  .openapi('PostbackReplay');

export const eventSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    clickId: z.string().nullable(),
    partnerId: z.string().nullable(),
    linkId: z.string().nullable(),
    value: z.record(z.string(), z.string()).nullable(),
    createdAt: z.string(),
  })
  .openapi('FunnelEvent');

export const eventListQuery = z.object({
  clickId: z.string().optional(),
  partnerId: z.string().optional(),
  type: z.enum(EVENT_TYPES).optional(),
});

export type ConversionView = z.infer<typeof conversionSchema>;
