// Candidate clicks for attribution, one query per method, all sent to D1 in a single batch.
import { and, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { AttributionMethod, CandidateClick } from '../domain/attribution';
import { FINGERPRINT_LOOKBACK_MS } from '../domain/attribution';
import type { Db } from './client';
import { type Click, type Coupon, clicks, coupons, type ReferralCode, referralCodes } from './schema';

const DAY_MS = 24 * 60 * 60 * 1000;

const candidateColumns = {
  id: clicks.id,
  partnerId: clicks.partnerId,
  linkId: clicks.linkId,
  createdAt: clicks.createdAt,
  isBot: clicks.isBot,
};

/** What is known about a conversion that can point at a click; hashed values only. */
export type CandidateSignals = {
  partnerId: string;
  occurredAt: Date;
  windowDays: number;
  clickId?: string | null;
  referralCode?: string | null;
  coupon?: string | null;
  customerHash?: string | null;
  visitorId?: string | null;
  fingerprints?: readonly string[];
};

export type CandidateSet = {
  candidates: { method: AttributionMethod; clicks: CandidateClick[] }[];
  /** The partner's referral code and coupon named by the conversion, when they exist. */
  referralCode: ReferralCode | null;
  coupon: Coupon | null;
};

/** Whether any signal can point at a click: without one, attribution is `none` and nothing need be read. */
export function hasCandidateSignals(s: CandidateSignals): boolean {
  return Boolean(
    s.clickId || s.referralCode?.trim() || s.coupon?.trim() || s.customerHash || s.visitorId || s.fingerprints?.length,
  );
}

/** Queries to send in one batch (none when no signal is present), and how to read their results. */
export type CandidateQueries = { queries: BatchItem<'sqlite'>[]; read: (results: unknown[][]) => CandidateSet };

/**
 * The clicks each method would credit, as queries for one batch: for each signal present, the
 * newest human clicks of the partner inside the attribution window (two for fingerprints, so
 * that an ambiguous match can be told apart from a single one). Intake sends them with its own
 * reads, in the same round trip.
 */
export function candidateQueries(db: Db, s: CandidateSignals): CandidateQueries {
  const to = s.occurredAt;
  const from = new Date(to.getTime() - s.windowDays * DAY_MS);
  const recent = (...conditions: SQL[]) =>
    db
      .select(candidateColumns)
      .from(clicks)
      .where(
        and(
          eq(clicks.partnerId, s.partnerId),
          eq(clicks.isBot, false),
          gte(clicks.createdAt, from),
          lte(clicks.createdAt, to),
          ...conditions,
        ),
      )
      .orderBy(desc(clicks.createdAt), desc(clicks.id));

  type Slot = { method: AttributionMethod | 'referral_row' | 'coupon_row'; query: BatchItem<'sqlite'> };
  const slots: Slot[] = [];
  if (s.clickId) {
    slots.push({ method: 'click_id', query: db.select(candidateColumns).from(clicks).where(eq(clicks.id, s.clickId)) });
  }
  const referral = s.referralCode?.trim().toUpperCase();
  if (referral) {
    slots.push({
      method: 'referral_row',
      query: db
        .select()
        .from(referralCodes)
        .where(and(eq(referralCodes.code, referral), eq(referralCodes.partnerId, s.partnerId))),
    });
    slots.push({ method: 'referral_code', query: recent(eq(sql`upper(${clicks.referralCode})`, referral)).limit(1) });
  }
  const coupon = s.coupon?.trim().toUpperCase();
  if (coupon) {
    const couponLink = db
      .select({ linkId: coupons.linkId })
      .from(coupons)
      .where(and(eq(coupons.partnerId, s.partnerId), eq(coupons.code, coupon)));
    slots.push({
      method: 'coupon_row',
      query: db
        .select()
        .from(coupons)
        .where(and(eq(coupons.partnerId, s.partnerId), eq(coupons.code, coupon))),
    });
    slots.push({ method: 'coupon', query: recent(inArray(clicks.linkId, couponLink)).limit(1) });
  }
  if (s.customerHash) slots.push({ method: 'user', query: recent(eq(clicks.uidHash, s.customerHash)).limit(1) });
  if (s.visitorId) slots.push({ method: 'cookie', query: recent(eq(clicks.visitorId, s.visitorId)).limit(1) });
  if (s.fingerprints?.length) {
    const since = new Date(Math.max(from.getTime(), to.getTime() - FINGERPRINT_LOOKBACK_MS));
    slots.push({
      method: 'fingerprint',
      query: recent(inArray(clicks.fingerprint, [...s.fingerprints]), gte(clicks.createdAt, since)).limit(2),
    });
  }

  const read = (results: unknown[][]) => {
    const out: CandidateSet = { candidates: [], referralCode: null, coupon: null };
    slots.forEach((slot, i) => {
      const rows = results[i] ?? [];
      if (slot.method === 'referral_row') out.referralCode = (rows[0] as ReferralCode | undefined) ?? null;
      else if (slot.method === 'coupon_row') out.coupon = (rows[0] as Coupon | undefined) ?? null;
      else out.candidates.push({ method: slot.method, clicks: rows as CandidateClick[] });
    });
    return out;
  };
  return { queries: slots.map((slot) => slot.query), read };
}

/** The candidate clicks of every method, found in one round trip (none when no signal is present). */
export async function findCandidates(db: Db, s: CandidateSignals): Promise<CandidateSet> {
  const { queries, read } = candidateQueries(db, s);
  if (queries.length === 0) return read([]);
  return read((await db.batch(queries as [BatchItem<'sqlite'>])) as unknown[][]);
}

/** A recorded click by id, whatever its partner. */
export async function findClick(db: Db, id: string): Promise<Click | undefined> {
  return db.select().from(clicks).where(eq(clicks.id, id)).get();
}

/** The newest click of a visitor (of one partner when given) made since `since`. */
export async function newestClickOfVisitor(
  db: Db,
  visitorId: string,
  since: Date,
  partnerId?: string,
): Promise<Click | undefined> {
  return db
    .select()
    .from(clicks)
    .where(
      and(
        eq(clicks.visitorId, visitorId),
        gte(clicks.createdAt, since),
        partnerId ? eq(clicks.partnerId, partnerId) : undefined,
      ),
    )
    .orderBy(desc(clicks.createdAt), desc(clicks.id))
    .limit(1)
    .get();
}
