// Erasure and export of one person's data: validation, types and OpenAPI from one set of schemas.
import { z } from '@hono/zod-openapi';
import { MAX_UID } from '../domain/link-query';
import { clickSchema } from './click';
import { conversionSchema, eventSchema, postbackLogSchema } from './conversion';
import { referralCodeSchema } from './link';

// As long as the longest user id Relais keeps (a link's `uid`), so that anyone tracked can be named.
const userRef = z.string().trim().min(1).max(MAX_UID).openapi({
  description: "The app's user id, as sent in `uid=` on links and as `customerId` in postbacks.",
  example: 'user-42',
});
const visitorId = z.string().trim().min(1).max(64).openapi({
  description: 'A visitor id: the value of the `rl_vid` cookie of a device.',
  example: '01JDQ7Z8V3K2M4N5P6Q7R8S9T0',
});

/** At least one identifier: an erasure or export about nobody is a mistake, not a request for nothing. */
const someone = <T extends { userRef?: string; visitorId?: string }>(p: T) =>
  p.userRef !== undefined || p.visitorId !== undefined;
const SOMEONE = { message: 'Give userRef, visitorId or both.' };

export const erasureRequestSchema = z
  .object({ userRef: userRef.optional(), visitorId: visitorId.optional() })
  .refine(someone, SOMEONE)
  .openapi('ErasureRequest', { description: 'At least one of `userRef` and `visitorId`; both name one person.' });

export const personQuery = z
  .object({ userRef: userRef.optional(), visitorId: visitorId.optional() })
  .refine(someone, SOMEONE);

const count = (what: string) => z.int().nonnegative().openapi({ description: what });

export const erasureCountsSchema = z
  .object({
    clicks: count('Clicks from which the person was removed.'),
    events: count('Funnel events from which the visitor id was removed.'),
    conversions: count('Conversions unlinked from the person (amounts and commissions kept).'),
    referralCodes: count('Referral codes of the person, deleted.'),
  })
  .openapi('ErasureCounts');

/** A click as held about the person: the API's view of a click, and the user agent kept with it. */
export const personalClickSchema = clickSchema
  .extend({ userAgent: z.string().nullable().openapi({ description: 'The user agent, as the browser sent it.' }) })
  .openapi('PersonalClick');

/** A postback received about the person: the log entry, and its body as received. */
export const personalPostbackSchema = postbackLogSchema
  .extend({ body: z.string().nullable().openapi({ description: 'The request body as received.' }) })
  .openapi('PersonalPostback');

/** A funnel event as held about the person: the API's view, and the visitor id it was sent with. */
export const personalEventSchema = eventSchema
  .extend({ visitorId: z.string().nullable() })
  .openapi('PersonalFunnelEvent');

export const personalDataSchema = z
  .object({
    clicks: z.array(personalClickSchema).openapi({ description: 'Oldest first.' }),
    events: z.array(personalEventSchema).openapi({ description: 'Oldest first.' }),
    conversions: z.array(conversionSchema).openapi({ description: 'In the order they occurred.' }),
    referralCodes: z.array(referralCodeSchema),
    postbackLog: z.array(personalPostbackSchema).openapi({
      description:
        'Postbacks received about them (by their customer id, visitor or conversions), oldest first, kept `LOG_RETENTION_DAYS`.',
    }),
  })
  .openapi('PersonalData');

/** One erasure as the register keeps it: nothing of whom it was about. */
export const erasureRecordSchema = erasureCountsSchema
  .extend({
    id: z.string(),
    createdAt: z.string().openapi({ description: 'When it was made.' }),
    actor: z.string().openapi({ description: 'The API key that asked (its id), or `admin-key` for ADMIN_API_KEY.' }),
    byUserRef: z.boolean().openapi({ description: 'Whether the request named a `userRef` (never which).' }),
    byVisitorId: z.boolean().openapi({ description: 'Whether the request named a `visitorId` (never which).' }),
    postbackLogEntries: count('Postback log entries redacted.'),
  })
  .openapi('ErasureRecord');
