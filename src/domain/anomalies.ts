// Rules that flag a conversion for a person to look at: nothing here rejects or deletes anything.

/**
 * What can be flagged. `missing_rate` is flagged by intake, not by these rules: a conversion in
 * another currency than its partner's, stored while its day had no exchange rate; it is resolved
 * by itself once the conversion is converted. `commission_mismatch` and `network_sync_failing`
 * are flagged by the sync with a partner's affiliate network: a conversion whose commission there
 * differs from what the partner's rules here give by more than `MAX_COMMISSION_GAP_MINOR`, and a
 * partner whose syncs failed `SYNC_FAILURES_FLAGGED` times in a row; `network_transaction_refused`
 * by the same sync too: a network transaction that could not be recorded (such as a second one
 * under an order reference another transaction of the network holds), so that none is lost unseen;
 * `network_disagreement`, a conversion on which Relais keeps a status or sale amount the network
 * reports otherwise (src/domain/networks/disagreement.ts).
 */
export const ANOMALY_KINDS = [
  'fast_conversion',
  'bot_click',
  'click_reused',
  'amount_outlier',
  'missing_rate',
  'commission_mismatch',
  'network_sync_failing',
  'network_transaction_refused',
  'network_disagreement',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** A purchase takes longer than this after the click; faster is a script or an injected cookie. */
export const FAST_CONVERSION_MS = 5_000;
/** More conversions than this on one click look like a click id being replayed. */
export const MAX_CONVERSIONS_PER_CLICK = 3;
/** An amount this many times above or below the partner's median is far off its usual. */
export const AMOUNT_OUTLIER_FACTOR = 10;
/** Fewer past amounts than this say nothing about what is usual. */
export const MIN_AMOUNT_SAMPLES = 20;

/**
 * A network's commission may differ from ours by rounding: one minor unit of the currency, no
 * more (a cent in euros; a whole yen in yen, which has no cents to round to).
 */
export const MAX_COMMISSION_GAP_MINOR = 1;
/** Failed syncs in a row before a partner's network is flagged: one failure is often the network's passing trouble. */
export const SYNC_FAILURES_FLAGGED = 3;

/**
 * Whether a network's commission and the one the partner's rules give differ by more than one minor unit.
 * @example isCommissionMismatch(800, 802) // true
 */
export function isCommissionMismatch(networkMinor: number, rulesMinor: number): boolean {
  return Math.abs(networkMinor - rulesMinor) > MAX_COMMISSION_GAP_MINOR;
}

/** What is known about a conversion and its click when the rules run. */
export type ConversionFacts = {
  conversionId: string;
  clickId: string | null;
  event: string;
  amountMinor: number;
  clickToConversionMs: number | null;
  /** Null when the conversion has no click (or the click is not recorded). */
  clickIsBot: boolean | null;
  /** Conversions of the partner carrying the same click id, this one included. */
  conversionsOnClick: number;
  /** The partner's usual amounts: their median over recent sales and how many there were. */
  usualAmount: { medianMinor: number; samples: number } | null;
};

/** One thing worth a look; `subjectId` makes it unique per kind (flagging twice changes nothing). */
export type Finding = { kind: AnomalyKind; subjectId: string; details: Record<string, unknown> };

/**
 * The anomalies a conversion shows, by rule: a conversion within `FAST_CONVERSION_MS` of its
 * click, on a bot's click, on a click carrying more than `MAX_CONVERSIONS_PER_CLICK`
 * conversions (flagged once per click), or a sale amount `AMOUNT_OUTLIER_FACTOR` times above or
 * below the partner's median (with at least `MIN_AMOUNT_SAMPLES` past sales).
 * @example findAnomalies({ ...facts, clickToConversionMs: 1200 }) // [{ kind: 'fast_conversion', subjectId: facts.conversionId, details: { clickToConversionMs: 1200 } }]
 */
export function findAnomalies(f: ConversionFacts): Finding[] {
  const found: Finding[] = [];
  if (f.clickToConversionMs !== null && f.clickToConversionMs >= 0 && f.clickToConversionMs < FAST_CONVERSION_MS) {
    found.push({
      kind: 'fast_conversion',
      subjectId: f.conversionId,
      details: { clickToConversionMs: f.clickToConversionMs, thresholdMs: FAST_CONVERSION_MS },
    });
  }
  if (f.clickId && f.clickIsBot === true) {
    found.push({ kind: 'bot_click', subjectId: f.conversionId, details: { clickId: f.clickId } });
  }
  if (f.clickId && f.conversionsOnClick > MAX_CONVERSIONS_PER_CLICK) {
    found.push({
      kind: 'click_reused',
      subjectId: f.clickId,
      details: { conversions: f.conversionsOnClick, threshold: MAX_CONVERSIONS_PER_CLICK },
    });
  }
  if (isAmountOutlier(f.event, f.amountMinor, f.usualAmount)) {
    found.push({
      kind: 'amount_outlier',
      subjectId: f.conversionId,
      details: { amountMinor: f.amountMinor, medianMinor: f.usualAmount?.medianMinor, factor: AMOUNT_OUTLIER_FACTOR },
    });
  }
  return found;
}

/**
 * Whether a sale amount is far off the partner's usual one.
 * @example isAmountOutlier('sale', 500_000, { medianMinor: 4_000, samples: 50 }) // true
 */
export function isAmountOutlier(
  event: string,
  amountMinor: number,
  usual: { medianMinor: number; samples: number } | null,
): boolean {
  if (event !== 'sale' || amountMinor <= 0 || !usual) return false;
  if (usual.samples < MIN_AMOUNT_SAMPLES || usual.medianMinor <= 0) return false;
  return (
    amountMinor >= usual.medianMinor * AMOUNT_OUTLIER_FACTOR || amountMinor * AMOUNT_OUTLIER_FACTOR <= usual.medianMinor
  );
}
