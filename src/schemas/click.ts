// Click resource: validation, types and OpenAPI from one set of schemas.
import { z } from '@hono/zod-openapi';
import { CLICK_SOURCES } from '../domain/click-source';
import { isoDate, isoDateTime } from './common';

const timeBound = z.union([isoDateTime, isoDate]);

export const clickListQuery = z.object({
  linkId: z.string().max(64).optional(),
  partnerId: z.string().max(64).optional(),
  from: timeBound.optional().openapi({ description: 'Created at or after (a date: its start in REPORT_TIMEZONE).' }),
  to: timeBound.optional().openapi({ description: 'Created at or before (a date: its end in REPORT_TIMEZONE).' }),
});

const nullableText = z.string().nullable();

export const clickSchema = z
  .object({
    id: z
      .string()
      .openapi({ description: 'The click id sent to the partner (a ULID).', example: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0' }),
    linkId: z
      .string()
      .nullable()
      .openapi({ description: "Null for a referral code that led to the partner's website." }),
    partnerId: z.string(),
    createdAt: z.string().openapi({ description: 'When the redirect was served.' }),
    recordedAt: z.string().openapi({ description: 'When the click reached the database.' }),
    visitorId: z.string().nullable().openapi({
      description:
        "Admin keys: the first-party `rl_vid` cookie. Partner keys: the partner's own pseudonym of it (`vp_` and a keyed hash of partner and visitor), the same for a visitor every time but different for each partner, so that two partners cannot join their clicks on it. Null when the visitor was not tracked (`consent=0`, `Sec-GPC`, `DNT`, or consent required and not given).",
      example: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
    }),
    isBot: z.boolean().openapi({ description: 'Bots are redirected but never counted as billable clicks.' }),
    botReason: nullableText.openapi({ example: 'link_preview' }),
    unique: z.boolean().openapi({ description: "The visitor's first click on this link in 24 hours." }),
    device: nullableText.openapi({ example: 'mobile' }),
    os: nullableText.openapi({ example: 'iOS' }),
    browser: nullableText.openapi({ example: 'Safari' }),
    country: nullableText.openapi({ example: 'FR' }),
    language: nullableText.openapi({ example: 'fr' }),
    referrerHost: nullableText,
    subIds: z
      .object({ sub1: nullableText, sub2: nullableText, sub3: nullableText, sub4: nullableText, sub5: nullableText })
      .openapi({ description: 'The `sub1`..`sub5` parameters of the tracked link.' }),
    utm: z.object({ source: nullableText, medium: nullableText, campaign: nullableText }),
    placement: nullableText,
    variant: z.string().openapi({
      description:
        '`default`, a targeting rule or A/B variant id (`target:<i>`, `variant:<i>` without one), or `deep_link`.',
    }),
    destination: z.string().openapi({ description: 'The destination chosen, before tracking parameters.' }),
    deepLinkRefused: z
      .boolean()
      .openapi({ description: 'A `url=` deep link outside the partner domains was ignored.' }),
    hasUser: z.boolean().openapi({ description: 'Whether the link carried an app user id (`uid`, kept only hashed).' }),
    source: z.enum(CLICK_SOURCES),
    referralCode: nullableText,
  })
  .openapi('Click');

/**
 * A click as its partner's keys see it: `visitorId` as the partner's own pseudonym (the cookie
 * itself is shared by every partner's links), and no `botReason` (how bots are told apart,
 * which would teach a fraudster what to avoid); `isBot` stays.
 */
export const clickPublicSchema = clickSchema
  .omit({ botReason: true })
  .extend({
    visitorId: z.string().nullable().openapi({
      description:
        "The partner's own pseudonym of the visitor (`vp_` and a keyed hash of partner and visitor id): the same visitor reads the same every time for this partner, and differently for any other. Null when the visitor was not tracked.",
      example: 'vp_Jq3b0nE6m2yXo9cVt1sHk4WlR8aZ5uPd',
    }),
  })
  .openapi('ClickPublic', {
    description: "A click as its partner keys see it: `visitorId` as the partner's pseudonym, no `botReason`.",
  });

export type ClickView = z.infer<typeof clickSchema>;
