// Link, coupon and referral-code resources: validation, types and OpenAPI from one set of schemas.
import { z } from '@hono/zod-openapi';
import { storedUrlSchema } from '../domain/stored-url';
import { linkRulesSchema } from '../domain/targeting';
import { isoDateTime, slugSchema } from './common';

const utmSchema = z
  .object({
    source: z.string().max(200).optional(),
    medium: z.string().max(200).optional(),
    campaign: z.string().max(200).optional(),
    term: z.string().max(200).optional(),
    content: z.string().max(200).optional(),
  })
  .strict()
  .openapi({ description: 'Defaults: source `relais`, medium `affiliate`, campaign = the link slug.' });

const linkFields = {
  partnerId: z.string().min(1),
  destination: storedUrlSchema(4000).openapi({ example: 'https://www.autodoc.fr/pieces/freinage' }),
  slug: slugSchema.optional().openapi({ description: 'Generated (7 unambiguous characters) when not given.' }),
  title: z.string().max(200).nullable().optional(),
  utm: utmSchema.optional(),
  params: z
    .record(z.string().min(1).max(64), z.string().max(500))
    .optional()
    .openapi({ description: 'Extra query parameters added to the destination.' }),
  fallbackUrl: storedUrlSchema(4000).nullable().optional(),
  expiresAt: isoDateTime.nullable().optional(),
  rules: linkRulesSchema.optional(),
  placement: z.string().max(100).nullable().optional().openapi({ example: 'diagnostic_freins' }),
  forwardQuery: z
    .boolean()
    .optional()
    .openapi({ description: "Forward the visitor's other query parameters. Default true." }),
  disabled: z.boolean().optional(),
  requiresConsent: z.boolean().optional().openapi({
    description:
      "Recognise the visitor (cookie, fingerprint, `uid`) only when the link is opened with `consent=1`; otherwise each click is recorded as if consent were refused. The partner's own `requiresConsent` applies too. Default false.",
  }),
};

export const linkCreateSchema = z.object(linkFields).strict().openapi('LinkCreate');
export const linkUpdateSchema = z.object(linkFields).omit({ partnerId: true }).partial().strict().openapi('LinkUpdate');

export const linkSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    shortUrl: z.string(),
    partnerId: z.string(),
    destination: z.string(),
    title: z.string().nullable(),
    utm: z.record(z.string(), z.string()),
    params: z.record(z.string(), z.string()),
    fallbackUrl: z.string().nullable(),
    expiresAt: z.string().nullable(),
    rules: linkRulesSchema,
    placement: z.string().nullable(),
    forwardQuery: z.boolean(),
    disabled: z.boolean(),
    requiresConsent: z.boolean().openapi({
      description: "The link's own setting; the partner's `requiresConsent` applies to it as well.",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Link');

export const linkListQuery = z.object({ partnerId: z.string().optional() });

export const couponCreateSchema = z
  .object({
    partnerId: z.string().min(1),
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{2,40}$/, '2 to 40 letters, digits, "-" or "_".')
      .openapi({ example: 'AUTO5' }),
    linkId: z.string().nullable().optional(),
  })
  .strict()
  .openapi('CouponCreate');

export const couponSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    code: z.string(),
    linkId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Coupon');

export const referralCodeCreateSchema = z
  .object({
    partnerId: z.string().min(1),
    userRef: z.string().trim().min(1).max(128).openapi({ description: "The app's reference of the referring user." }),
    linkId: z.string().nullable().optional().openapi({
      description: "The link whose destination `/r/:code` uses; default: the partner's newest active link.",
    }),
  })
  .strict()
  .openapi('ReferralCodeCreate');

export const referralCodeSchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    code: z.string(),
    userRef: z.string(),
    linkId: z.string().nullable(),
    url: z.string(),
    createdAt: z.string(),
  })
  .openapi('ReferralCode');

/** A referral code as its partner's keys see it: no `userRef`, the app's own reference of its user. */
export const referralCodePublicSchema = referralCodeSchema
  .omit({ userRef: true })
  .openapi('ReferralCodePublic', { description: 'A referral code as its partner keys see it: no `userRef`.' });

export const partnerFilterQuery = z.object({ partnerId: z.string().optional() });

export type LinkCreate = z.infer<typeof linkCreateSchema>;
export type LinkUpdate = z.infer<typeof linkUpdateSchema>;
