// Conversions waiting for an exchange rate: found in the order they occurred, converted only while still waiting and unchanged.
import type { ConversionMoney, ReportingMoney } from '../domain/exchange';
import { NOW_MS_SQL } from './schema';

/** A waiting conversion with what converting it needs. */
export type WaitingConversion = ConversionMoney & {
  id: string;
  occurredAt: number;
  reportingCurrency: string;
};

/** A conversion's place in the walk over waiting conversions: by the time it occurred, then id. */
export type WaitingPlace = { occurredAt: number; id: string };

/**
 * Conversions without an exchange rate that occurred within `[startMs, endMs)`, after `after`,
 * in that order, at most `limit`. Served by the partial index `conversions_unconverted_idx`.
 */
export async function waitingConversions(
  d1: D1Database,
  q: { startMs: number; endMs: number; after: WaitingPlace | null; limit: number },
): Promise<WaitingConversion[]> {
  const after = q.after ?? { occurredAt: q.startMs, id: '' };
  const { results } = await d1
    .prepare(
      `SELECT id, occurred_at AS occurredAt, currency, reporting_currency AS reportingCurrency,
         amount_minor AS amountMinor, refunded_amount_minor AS refundedAmountMinor,
         commission_minor AS commissionMinor, earned_commission_minor AS earnedCommissionMinor
       FROM conversions
       WHERE exchange_rate IS NULL AND occurred_at >= ?1 AND occurred_at < ?2 AND (occurred_at, id) > (?3, ?4)
       ORDER BY occurred_at, id LIMIT ?5`,
    )
    .bind(q.startMs, q.endMs, after.occurredAt, after.id, q.limit)
    .all<WaitingConversion>();
  return results;
}

/** A conversion's figures in its reporting currency, worked out from the conversion as it was read. */
export type Converted = { conversion: WaitingConversion; reporting: ReportingMoney };

/**
 * Writes the reporting figures of `converted`, each only while its conversion is still waiting
 * and its money (currencies, amount, refund, commissions) is still what it was read with: a
 * status change or refund written meanwhile wins, and the conversion waits for the next pass.
 * Their `missing_rate` anomalies are resolved in the same transaction. Answers the ids converted.
 */
export async function writeConverted(
  d1: D1Database,
  converted: readonly Converted[],
  nowMs: number,
): Promise<string[]> {
  if (converted.length === 0) return [];
  const rows = converted.map(({ conversion: c, reporting: r }) => ({
    id: c.id,
    currency: c.currency,
    reportingCurrency: c.reportingCurrency,
    amount: c.amountMinor,
    refunded: c.refundedAmountMinor,
    commission: c.commissionMinor,
    earned: c.earnedCommissionMinor,
    rate: r.exchangeRate,
    reportingAmount: r.reportingAmountMinor,
    reportingRefunded: r.reportingRefundedMinor,
    reportingCommission: r.reportingCommissionMinor,
    reportingEarned: r.reportingEarnedMinor,
  }));
  const ids = JSON.stringify(rows.map((r) => r.id));
  const [updated] = await d1.batch<{ id: string }>([
    d1
      .prepare(
        `UPDATE conversions SET exchange_rate = v.rate, reporting_amount_minor = v.reporting_amount,
           reporting_refunded_minor = v.reporting_refunded, reporting_commission_minor = v.reporting_commission,
           reporting_earned_minor = v.reporting_earned,
           updated_at = MAX(CAST(?2 AS INTEGER), ${NOW_MS_SQL})
         FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.currency') AS currency,
             json_extract(value, '$.reportingCurrency') AS reporting_currency, json_extract(value, '$.amount') AS amount,
             json_extract(value, '$.refunded') AS refunded, json_extract(value, '$.commission') AS commission,
             json_extract(value, '$.earned') AS earned, json_extract(value, '$.rate') AS rate,
             json_extract(value, '$.reportingAmount') AS reporting_amount,
             json_extract(value, '$.reportingRefunded') AS reporting_refunded,
             json_extract(value, '$.reportingCommission') AS reporting_commission,
             json_extract(value, '$.reportingEarned') AS reporting_earned
           FROM json_each(?1)) AS v
         WHERE conversions.id = v.id AND conversions.exchange_rate IS NULL
           AND conversions.currency = v.currency AND conversions.reporting_currency = v.reporting_currency
           AND conversions.amount_minor = v.amount AND conversions.refunded_amount_minor = v.refunded
           AND conversions.commission_minor = v.commission AND conversions.earned_commission_minor = v.earned
         RETURNING conversions.id AS id`,
      )
      .bind(JSON.stringify(rows), nowMs),
    // Resolved only for a conversion that has its rate now, whoever converted it.
    d1
      .prepare(
        `UPDATE anomalies SET resolved_at = ?2
         WHERE kind = 'missing_rate' AND resolved_at IS NULL AND subject_id IN (SELECT value FROM json_each(?1))
           AND EXISTS (SELECT 1 FROM conversions c WHERE c.id = anomalies.subject_id AND c.exchange_rate IS NOT NULL)`,
      )
      .bind(ids, nowMs),
  ]);
  return (updated?.results ?? []).map((r) => r.id);
}
