// Partner resource: validation, types and OpenAPI from one set of schemas.
import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '../domain/calendar';
import { commissionRuleSchema } from '../domain/commission';
import { PLAN_STATUSES } from '../domain/commission-plan';
import { CONVERSION_STATUSES } from '../domain/conversion-status';
import { currencyCodeSchema } from '../domain/money';
import { NETWORK_TYPES, networkInputSchema } from '../domain/networks/settings';
import { INTEGRATIONS, PARTNER_STATUSES } from '../domain/partnership';
import { storedUrlSchema, urlTemplateSchema } from '../domain/stored-url';
import { domainSchema, isoDate, isoDateTime, slugSchema } from './common';

const paramName = z.string().min(1).max(64);
const paramMap = z.record(z.string().min(1).max(64), paramName);

/** The most rules one commission plan holds. */
export const MAX_COMMISSION_RULES = 100;

const commissionRules = z
  .array(commissionRuleSchema)
  .max(MAX_COMMISSION_RULES)
  .openapi({
    description: 'Most specific match wins (category and event, then category, then event, then default).',
    example: [{ category: 'freinage', percent: 10 }, { percent: 8 }],
  });

const partnerFields = {
  name: z.string().trim().min(1).max(120).openapi({ example: 'Autodoc' }),
  slug: slugSchema.optional().openapi({ description: 'Generated from the name when not given.' }),
  status: z.enum(PARTNER_STATUSES),
  integration: z.enum(INTEGRATIONS),
  category: z.string().trim().min(1).max(60).openapi({ example: 'pieces' }),
  allowedDomains: z
    .array(domainSchema)
    .max(50)
    .openapi({
      description:
        'Registrable domains or their subdomains; public suffixes such as `co.uk` or `github.io` are refused.',
      example: ['autodoc.fr'],
    }),
  commissionRules,
  cookieDays: z.number().int().min(1).max(365).optional().openapi({ description: 'Default 30.' }),
  attributionWindowDays: z.number().int().min(1).max(365).optional().openapi({ description: 'Default 30.' }),
  lockDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .optional()
    .openapi({ description: 'Days before a pending conversion is approved automatically. Default 30.' }),
  trackingTemplate: urlTemplateSchema(2000)
    .nullable()
    .optional()
    .openapi({ example: 'https://track.example.com/c?aff=aau&url={url}&sub={click_id}' }),
  postbackParams: paramMap
    .optional()
    .openapi({ description: "Canonical name -> the partner's name.", example: { transactionId: 'order_id' } }),
  webhookUrl: storedUrlSchema(2000).nullable().optional(),
  pushCorrections: z.boolean().optional().openapi({
    description:
      'Push a delivered day again (a new message, new `webhook-id`) once its figures were rebuilt, for days of the last week, at most once a day. Default false: one push per day.',
  }),
  websiteUrl: storedUrlSchema(2000).nullable().optional(),
  requiresConsent: z.boolean().optional().openapi({
    description:
      'Every link of the partner recognises the visitor (cookie, fingerprint, `uid`) only when opened with `consent=1`; otherwise each click is recorded as if consent were refused. Default false.',
  }),
  currency: currencyCodeSchema.optional().openapi({
    description:
      'The reporting currency (ISO 4217; default EUR): reports, pushes and statements are in it. It can change only while the partner has no conversions (else 409 `currency_in_use`).',
    example: 'EUR',
  }),
  clickIdParam: paramName.optional().openapi({ description: 'Default `click_id`.' }),
  affiliateParams: z.record(paramName, z.string().max(500)).optional(),
  statusMap: z
    .record(z.string().min(1).max(64), z.enum(CONVERSION_STATUSES))
    .optional()
    .openapi({ example: { billed: 'approved', canceled: 'rejected' } }),
  amountsInMinorUnits: z.boolean().optional(),
  answerTemplate: z.string().max(500).nullable().optional().openapi({ example: 'success=true;' }),
  reportColumns: paramMap.optional(),
  acceptSignedPostbacks: z.boolean().optional(),
  acceptTokenPostbacks: z.boolean().optional(),
  ipAllowlist: z.array(z.string().max(64)).max(100).optional(),
  notes: z.string().max(4000).nullable().optional(),
  legalName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: 'The legal name printed on statements.', example: 'Autodoc SE' }),
  address: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .nullable()
    .optional()
    .openapi({ description: 'The postal address printed on statements (lines separated by `\\n`).' }),
  vatNumber: z.string().trim().min(1).max(32).nullable().optional().openapi({ example: 'DE123456789' }),
  paymentTermsDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .optional()
    .openapi({ description: 'Days between a statement and its due date. Default 30.' }),
  vatRate: z
    .number()
    .min(0)
    .max(100)
    .refine((n) => Number(n.toFixed(2)) === n, { message: 'must have at most 2 decimals' })
    .nullable()
    .optional()
    .openapi({
      description: "VAT on the partner's statements, in percent; null (the default) for the programme's `VAT_RATE`.",
      example: 20,
    }),
};

const effectiveFrom = z.string().refine(isCalendarDate, { message: 'must be a date written YYYY-MM-DD' }).openapi({
  description:
    "With `commissionRules` only: the date (today or later, in the programme's `REPORT_TIMEZONE`) from whose start the new rules price conversions; without it they apply at once. Today means from the start of today, for conversions recorded from now on: commissions are computed when a conversion is recorded, so none already recorded is repriced. A second change for the same date replaces the one scheduled. The plans are listed at `/partners/{id}/commission-plans`.",
  example: '2026-12-01',
});

const network = networkInputSchema.nullable().openapi('NetworkSettings', {
  description:
    "The partner's affiliate network, whose conversions Relais reads (`POST /partners/{id}/network-sync`, and hourly): `awin` (Awin's publisher API), or `json` (any network answering JSON, read through a mapping). `accessToken` is write-only: stored encrypted, never answered. `apiBase` (Awin) and `urlTemplate` (json) must be https, or plain http to a loopback address when running locally (`ENVIRONMENT=development`). For Awin with an `advertiserId`, a partner without a `trackingTemplate` gets Awin's click URL as its template. Null disconnects the partner.",
  example: { type: 'awin', publisherId: '45628', advertiserId: '7052', accessToken: 'a1b2c3d4-...' },
});

export const partnerCreateSchema = z.object(partnerFields).strict().openapi('PartnerCreate');
export const partnerUpdateSchema = z
  .object({ ...partnerFields, effectiveFrom, network })
  .partial()
  .strict()
  .refine((body) => body.effectiveFrom === undefined || body.commissionRules !== undefined, {
    message: 'dates new commissionRules: send them with it',
    path: ['effectiveFrom'],
  })
  .openapi('PartnerUpdate');

/** A plan as scheduled: the date it starts on, the instant that is, and its rules. */
const scheduledPlanFields = {
  id: z.string().openapi({ example: 'pln_01JDQ7Z8V3K2M4N5P6Q7R8S9T0' }),
  effectiveFrom: z.string().openapi({
    description: "The date the plan starts on in the programme's `REPORT_TIMEZONE` (`YYYY-MM-DD`).",
    example: '2026-12-01',
  }),
  effectiveAt: z.string().openapi({
    description:
      'The instant it starts (ISO 8601 UTC): the start of that date, or the moment of the change for rules changed at once.',
    example: '2026-11-30T23:00:00.000Z',
  }),
  rules: commissionRules,
};

export const commissionPlanSchema = z
  .object({
    ...scheduledPlanFields,
    status: z.enum(PLAN_STATUSES).openapi({
      description:
        '`current`: the plan in force now; `scheduled`: starts later (it can be cancelled); `past`: replaced by a later one.',
    }),
    createdAt: z.string(),
  })
  .openapi('CommissionPlan', {
    description:
      "A version of a partner's commission rules. A conversion is priced by the plan in force when it occurred; one dated before every plan by the first.",
  });

export const partnerSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    status: z.enum(PARTNER_STATUSES),
    integration: z.enum(INTEGRATIONS),
    category: z.string(),
    allowedDomains: z.array(z.string()),
    commissionRules,
    cookieDays: z.number(),
    attributionWindowDays: z.number(),
    lockDays: z.number(),
    trackingTemplate: z.string().nullable(),
    postbackParams: z.record(z.string(), z.string()),
    webhookUrl: z.string().nullable(),
    pushCorrections: z.boolean(),
    websiteUrl: z.string().nullable(),
    requiresConsent: z.boolean(),
    currency: z.string(),
    clickIdParam: z.string(),
    affiliateParams: z.record(z.string(), z.string()),
    statusMap: z.record(z.string(), z.string()),
    amountsInMinorUnits: z.boolean(),
    answerTemplate: z.string().nullable(),
    reportColumns: z.record(z.string(), z.string()),
    acceptSignedPostbacks: z.boolean(),
    acceptTokenPostbacks: z.boolean(),
    ipAllowlist: z.array(z.string()),
    notes: z.string().nullable(),
    legalName: z.string().nullable(),
    address: z.string().nullable(),
    vatNumber: z.string().nullable(),
    paymentTermsDays: z.number(),
    vatRate: z.number().nullable().openapi({ description: "Percent; null for the programme's `VAT_RATE`." }),
    scheduledCommissionPlan: z
      .object(scheduledPlanFields)
      .nullable()
      .openapi({ description: 'The next plan to take over from `commissionRules`, or null.' }),
    postbackUrl: z.string().openapi({ description: 'Where the partner sends conversions.' }),
    network: z
      .object({
        type: z.enum(NETWORK_TYPES),
        publisherId: z.string().optional(),
        advertiserId: z.string().nullable().optional(),
        apiBase: z.string().optional().openapi({ description: 'Where Awin is called (its own host by default).' }),
      })
      .catchall(z.unknown())
      .nullable()
      .openapi({
        description:
          'The affiliate network the partner is read from, as set with `PATCH` (a `json` one with its whole mapping), never its `accessToken`; null when none.',
      }),
    lastSync: z
      .object({
        at: z.string(),
        ok: z.boolean(),
        error: z.string().nullable().openapi({ description: 'Why the sync did not go through, for an admin to read.' }),
      })
      .nullable()
      .openapi({
        description:
          "How the last sync with the partner's network went (hourly, or asked for); null before the first. Three failures in a row also raise a `network_sync_failing` anomaly.",
      }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Partner');

/**
 * A partner as its own partner keys see it: no `notes` (the admins' own comments) and no
 * `ipAllowlist` (a defence of ours, which a leaked read-only key should not map out).
 */
export const partnerPublicSchema = partnerSchema
  .omit({ notes: true, ipAllowlist: true, network: true, lastSync: true })
  .openapi('PartnerPublic', {
    description: 'A partner as its partner keys see it: no `notes`, no `ipAllowlist`, no `network` or `lastSync`.',
  });

const pushSigningSecret = z.string().openapi({
  description:
    'Standard Webhooks secret (`whsec_...`) the daily pushes are signed with, for whoever verifies them; ' +
    'never accepted on a postback. Shown once.',
});

export const partnerWithSecretsSchema = partnerSchema
  .extend({
    postbackToken: z.string().openapi({ description: 'Shown once.' }),
    signingSecret: z.string().openapi({
      description: 'Standard Webhooks secret (`whsec_...`) the partner signs its postbacks with. Shown once.',
    }),
  })
  .openapi('PartnerWithSecrets');

/** The answer to a creation: every secret of the partner, shown this once. */
export const partnerCreatedSchema = partnerWithSecretsSchema.extend({ pushSigningSecret }).openapi('PartnerCreated');

/** The answer to a rotation of the push secret. */
export const partnerWithPushSecretSchema = partnerSchema.extend({ pushSigningSecret }).openapi('PartnerWithPushSecret');

export const partnerListQuery = z.object({
  status: z.enum(PARTNER_STATUSES).optional(),
  integration: z.enum(INTEGRATIONS).optional(),
});

export type PartnerCreate = z.infer<typeof partnerCreateSchema>;
export type PartnerUpdate = z.infer<typeof partnerUpdateSchema>;
export type PartnerView = z.infer<typeof partnerSchema>;
export type CommissionPlanView = z.infer<typeof commissionPlanSchema>;

/** `POST /partners/{id}/network-sync`: the range to read, by default from a week before the last sync (31 days back for the first) up to now. */
export const networkSyncSchema = z
  .object({
    from: z.union([isoDateTime, isoDate]).optional().openapi({
      description:
        'ISO 8601 instant, or a date (its start in REPORT_TIMEZONE); default: 31 days before `to` when `to` is given.',
      example: '2026-10-01',
    }),
    to: z.union([isoDateTime, isoDate]).optional().openapi({
      description: 'ISO 8601 instant, or a date (its end in REPORT_TIMEZONE); default now, and never later.',
      example: '2026-11-30',
    }),
  })
  .strict()
  .openapi('NetworkSyncRequest');

export const networkSyncResultSchema = z
  .object({
    imported: z.number().int().openapi({ description: 'Transactions recorded as new conversions.' }),
    updated: z
      .number()
      .int()
      .openapi({ description: 'Conversions changed: status, partial refund (a lower sale amount), commission.' }),
    unchanged: z.number().int().openapi({ description: 'Transactions as already recorded.' }),
    failed: z.number().int().openapi({
      description: 'Transactions not recorded (unreadable, or a change the rules refuse); named in `lastSync.error`.',
    }),
    lastSync: partnerSchema.shape.lastSync.unwrap(),
  })
  .openapi('NetworkSyncResult');
