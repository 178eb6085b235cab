// Postback intake's reads, one round trip each: what the slug names, then what the conversion's key and signals find.
import { and, asc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { QuotedRate } from '../domain/exchange';
import { type CandidateSet, type CandidateSignals, candidateQueries } from './attribution';
import type { Db } from './client';
import { findConversion } from './conversions';
import { quotesOfDayQuery } from './exchange-rates';
import type { StoredAnswer } from './postback-log';
import { type Conversion, commissionPlans, type Partner, partners, webhookReceipts } from './schema';

export type CommissionPlan = typeof commissionPlans.$inferSelect;

/** What the partner's slug and the delivery's id name, before anything is parsed. */
export type IntakeContext = {
  partner: Partner | undefined;
  plans: CommissionPlan[];
  receipt: StoredAnswer | undefined;
};

const plansWhere = (db: Db, where: SQL) =>
  db.select().from(commissionPlans).where(where).orderBy(asc(commissionPlans.effectiveFrom), asc(commissionPlans.id));

const idOfSlug = (db: Db, slug: string) =>
  db
    .select({ id: partners.id })
    .from(partners)
    .where(and(eq(partners.slug, slug), isNull(partners.deletedAt)));

/**
 * Reads in one round trip the partner of `slug` (not deleted), all its commission plans (one
 * per change of its rules: a handful), and the answer already given to `webhookId` when one is
 * given. The plans and the answer are found through the slug, so nothing waits for the partner.
 */
export async function readIntakeContext(db: Db, slug: string, webhookId: string | null): Promise<IntakeContext> {
  const partnerId = idOfSlug(db, slug);
  const queries: BatchItem<'sqlite'>[] = [
    db
      .select()
      .from(partners)
      .where(and(eq(partners.slug, slug), isNull(partners.deletedAt))),
    plansWhere(db, inArray(commissionPlans.partnerId, partnerId)),
  ];
  if (webhookId) {
    queries.push(
      db
        .select({ answer: webhookReceipts.answer })
        .from(webhookReceipts)
        .where(and(inArray(webhookReceipts.partnerId, partnerId), eq(webhookReceipts.webhookId, webhookId))),
    );
  }
  const [found, plans, receipts] = (await db.batch(queries as [BatchItem<'sqlite'>])) as unknown[][];
  return {
    partner: found?.[0] as Partner | undefined,
    plans: (plans ?? []) as CommissionPlan[],
    receipt: (receipts?.[0] as { answer: StoredAnswer } | undefined)?.answer,
  };
}

/** The day whose exchange rates a conversion needs, and its currency and its partner's. */
export type RateDay = { date: string; codes: readonly [from: string, to: string] };

/** What a postback's conversion key and signals find. */
export type IntakeLookups = {
  existing: Conversion | undefined;
  found: CandidateSet;
  plans: CommissionPlan[] | null;
  /** The quotes of the rate day asked for (none when none was). */
  quotes: QuotedRate[];
};

/**
 * Reads in one round trip the conversion stored under `key`, the candidate clicks of `signals`
 * and, when asked, the partner's commission plans (a replay, which read no context) and the
 * exchange rates of `rateDay` (a conversion in another currency than its partner's).
 */
export async function readIntakeLookups(
  db: Db,
  key: Pick<Conversion, 'partnerId' | 'transactionId' | 'event'>,
  signals: CandidateSignals,
  withPlans: boolean,
  rateDay: RateDay | null = null,
): Promise<IntakeLookups> {
  const candidates = candidateQueries(db, signals);
  const queries: BatchItem<'sqlite'>[] = [findConversion(db, key), ...candidates.queries];
  if (withPlans) queries.push(plansWhere(db, eq(commissionPlans.partnerId, key.partnerId)));
  if (rateDay) queries.push(quotesOfDayQuery(db, rateDay.date, rateDay.codes));
  const results = (await db.batch(queries as [BatchItem<'sqlite'>])) as unknown[][];
  const after = 1 + candidates.queries.length;
  return {
    existing: results[0]?.[0] as Conversion | undefined,
    found: candidates.read(results.slice(1, after)),
    plans: withPlans ? (results[after] as CommissionPlan[]) : null,
    quotes: rateDay ? (results[results.length - 1] as QuotedRate[]) : [],
  };
}

/** The exchange rates of `rateDay`, read alone: for a postback that reads nothing else before its insert. */
export function readRateDay(db: Db, rateDay: RateDay): Promise<QuotedRate[]> {
  return quotesOfDayQuery(db, rateDay.date, rateDay.codes).all();
}
