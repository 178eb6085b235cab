// Anomaly resource: what reconciliation flagged for review.
import { z } from '@hono/zod-openapi';
import { ANOMALY_KINDS } from '../domain/anomalies';

export const anomalySchema = z
  .object({
    id: z.string(),
    partnerId: z.string(),
    kind: z.enum(ANOMALY_KINDS).openapi({
      description:
        '`fast_conversion` (seconds after the click), `bot_click`, `click_reused` (many conversions on one click), `amount_outlier`, `missing_rate` (in another currency than the partner’s, recorded while its day had no exchange rate; resolved by itself once converted), `commission_mismatch` (a conversion read from an affiliate network whose commission there differs by more than one minor unit of its currency (a cent in euros, a yen in yen) from what the partner’s rules give; `details` has both), `network_sync_failing` (three syncs in a row with the partner’s network failed; its subject is the partner and the streak’s start), `network_transaction_refused` (a transaction of the partner’s network that could not be recorded, such as a second transaction under an order reference another one holds; its subject is `<partnerId>:<the network’s id of the transaction>`, `details` says why), `network_disagreement` (a conversion on which Relais keeps a status or sale amount its network reports otherwise, such as approved by hand while the network still has it pending, or a sale amount back up after a partial refund; `details` has both sides; once per state the network reports).',
    }),
    subjectId: z.string().openapi({
      description:
        'The conversion (or, for `click_reused`, the click; for `network_sync_failing`, `<partnerId>@<first failure>`; for `network_transaction_refused`, `<partnerId>:<network transaction id>`) concerned.',
    }),
    conversionId: z.string().nullable(),
    clickId: z.string().nullable(),
    details: z.unknown(),
    resolved: z.boolean(),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Anomaly');

export const anomalyListQuery = z.object({
  partnerId: z.string().optional(),
  kind: z.enum(ANOMALY_KINDS).optional(),
  resolved: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
});

export const anomalyUpdateSchema = z.object({ resolved: z.boolean() }).strict().openapi('AnomalyUpdate');
