// A person's rows found by their identifiers, and those identifiers removed in bounded statements (GDPR articles 15 and 17).
import { and, asc, desc, gt, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';
import type { PageOptions } from './paging';
import { clicks, conversions, events, postbackLog, privacyErasures, type ReferralCode, referralCodes } from './schema';

/**
 * How many rows one erasing statement changes at most. D1 has one writer: an erasure is many short
 * statements, each holding it for a few milliseconds, so that redirects' click writes and
 * postbacks go on between them.
 */
export const ERASE_CHUNK = 500;
/** How many postback log entries one statement reads at most while looking for a person's (the log has no index on them). */
export const LOG_PAGE = 5000;

/**
 * The identifiers a person is known by in D1: the keyed hashes of their app user id (`uid` on
 * links, `customerId` on postbacks) and their visitor ids (`rl_vid` cookies, one per device).
 */
export type PersonKeys = { userHashes: readonly string[]; visitorIds: readonly string[] };

/** A list bound as one JSON parameter: any length fits in one of D1's 100 parameters. */
const valuesOf = (values: readonly string[]) => sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** The person's clicks: by app user through `clicks_uid_idx`, by device through `clicks_visitor_idx`. */
const personClicks = (p: PersonKeys) =>
  sql`SELECT id FROM clicks WHERE uid_hash IN ${valuesOf(p.userHashes)}
      UNION SELECT id FROM clicks WHERE visitor_id IN ${valuesOf(p.visitorIds)}`;

/** The person's conversions: by customer, by device, and those attributed to one of their clicks. */
const personConversions = (p: PersonKeys) =>
  sql`SELECT id FROM conversions WHERE customer_hash IN ${valuesOf(p.userHashes)}
      UNION SELECT id FROM conversions WHERE visitor_id IN ${valuesOf(p.visitorIds)}
      UNION SELECT id FROM conversions WHERE click_id IN (${personClicks(p)})`;

/** The person's funnel events: by device, and those sent on one of their clicks. */
const personEvents = (p: PersonKeys) =>
  sql`SELECT id FROM events WHERE visitor_id IN ${valuesOf(p.visitorIds)}
      UNION SELECT id FROM events WHERE click_id IN (${personClicks(p)})`;

/**
 * Keyed hashes of the app users seen on these visitors' clicks and conversions: the app users who
 * used those devices.
 */
export async function userHashesSeenWith(db: Db, visitorIds: readonly string[]): Promise<string[]> {
  if (visitorIds.length === 0) return [];
  const rows = await db.all<{ hash: string }>(
    sql`SELECT uid_hash AS hash FROM clicks WHERE visitor_id IN ${valuesOf(visitorIds)} AND uid_hash IS NOT NULL
        UNION SELECT customer_hash FROM conversions WHERE visitor_id IN ${valuesOf(visitorIds)} AND customer_hash IS NOT NULL`,
  );
  return rows.map((r) => r.hash);
}

/** Visitor ids seen on these app users' clicks and conversions: the devices they used. */
export async function visitorsSeenWith(db: Db, userHashes: readonly string[]): Promise<string[]> {
  if (userHashes.length === 0) return [];
  const rows = await db.all<{ visitor: string }>(
    sql`SELECT visitor_id AS visitor FROM clicks WHERE uid_hash IN ${valuesOf(userHashes)} AND visitor_id IS NOT NULL
        UNION SELECT visitor_id FROM conversions WHERE customer_hash IN ${valuesOf(userHashes)} AND visitor_id IS NOT NULL`,
  );
  return rows.map((r) => r.visitor);
}

/** The person's clicks, oldest first (a query: awaited, the rows). */
export function clicksOfPerson(db: Db, p: PersonKeys) {
  return db
    .select()
    .from(clicks)
    .where(inArray(clicks.id, sql`(${personClicks(p)})`))
    .orderBy(asc(clicks.id));
}

/** The person's funnel events, oldest first (a query: awaited, the rows). */
export function eventsOfPerson(db: Db, p: PersonKeys) {
  return db
    .select()
    .from(events)
    .where(inArray(events.id, sql`(${personEvents(p)})`))
    .orderBy(asc(events.createdAt), asc(events.id));
}

/** The person's conversions, in the order they occurred (a query: awaited, the rows). */
export function conversionsOfPerson(db: Db, p: PersonKeys) {
  return db
    .select()
    .from(conversions)
    .where(inArray(conversions.id, sql`(${personConversions(p)})`))
    .orderBy(asc(conversions.occurredAt), asc(conversions.id));
}

/** The ids of the person's conversions. */
export async function conversionIdsOfPerson(db: Db, p: PersonKeys): Promise<string[]> {
  const rows = await db.all<{ id: string }>(personConversions(p));
  return rows.map((r) => r.id);
}

/**
 * The referral codes made for an app user id, whatever the partner: one lookup per partner in
 * `referral_codes_user_uq` (partner, user), since no index starts with the user (a query:
 * awaited, the rows).
 */
export function referralCodesOfUserRef(db: Db, userRef: string) {
  return db
    .select()
    .from(referralCodes)
    .where(sql`${referralCodes.partnerId} IN (SELECT id FROM partners) AND ${referralCodes.userRef} = ${userRef}`)
    .orderBy(asc(referralCodes.id));
}

/** A page of every referral code, by id: for finding those of app users known only by hash. */
export function referralCodesAfter(db: Db, afterId: string, limit: number): Promise<ReferralCode[]> {
  return db
    .select()
    .from(referralCodes)
    .where(gt(referralCodes.id, afterId))
    .orderBy(asc(referralCodes.id))
    .limit(limit)
    .all();
}

/** Deletes these referral codes; answers how many were deleted. */
export async function deleteReferralCodes(db: Db, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += ERASE_CHUNK) {
    const chunk = ids.slice(i, i + ERASE_CHUNK);
    const res = await db
      .delete(referralCodes)
      .where(inArray(referralCodes.id, valuesOf(chunk)))
      .run();
    deleted += res.meta.changes ?? 0;
  }
  return deleted;
}

/** Runs `statement` until it changes fewer rows than a chunk; answers the rows changed in all. */
async function inChunks(statement: () => Promise<D1Result>): Promise<number> {
  let changed = 0;
  for (;;) {
    const n = (await statement()).meta.changes ?? 0;
    changed += n;
    if (n < ERASE_CHUNK) return changed;
  }
}

const CLEARED_CLICK = { visitorId: null, uidHash: null, fingerprint: null, userAgent: null };

/**
 * Removes from the person's clicks everything that identifies them: the visitor id, the keyed hash
 * of the app user id, the fingerprint and the raw user agent. Their time, link, partner, device
 * class, country, language, referrer host, sub-ids, UTM and destination stay: once nothing links
 * them to anyone, they are counts in reports. Clicks found by device alone go first and those of
 * the app user last: the devices are found through the latter, so an erasure cut short between
 * the two is finished by running it again. Answers the clicks changed (each once).
 */
export async function eraseClicks(db: Db, p: PersonKeys): Promise<number> {
  const byDevice = await inChunks(() =>
    db
      .update(clicks)
      .set(CLEARED_CLICK)
      .where(
        inArray(
          clicks.id,
          sql`(SELECT id FROM clicks WHERE visitor_id IN ${valuesOf(p.visitorIds)}
               AND (uid_hash IS NULL OR uid_hash NOT IN ${valuesOf(p.userHashes)}) LIMIT ${ERASE_CHUNK})`,
        ),
      )
      .run(),
  );
  const byUser = await inChunks(() =>
    db
      .update(clicks)
      .set(CLEARED_CLICK)
      .where(
        inArray(
          clicks.id,
          sql`(SELECT id FROM clicks WHERE uid_hash IN ${valuesOf(p.userHashes)} LIMIT ${ERASE_CHUNK})`,
        ),
      )
      .run(),
  );
  return byDevice + byUser;
}

/** Removes the visitor id from the person's funnel events; answers the events changed. */
export function eraseEvents(db: Db, p: PersonKeys): Promise<number> {
  return inChunks(() =>
    db
      .update(events)
      .set({ visitorId: null })
      .where(
        inArray(
          events.id,
          sql`(SELECT id FROM events WHERE visitor_id IN ${valuesOf(p.visitorIds)} LIMIT ${ERASE_CHUNK})`,
        ),
      )
      .run(),
  );
}

const conversionIdentifies = sql`(customer_hash IS NOT NULL OR visitor_id IS NOT NULL
  OR fingerprint IS NOT NULL OR previous_day_fingerprint IS NOT NULL)`;

/**
 * Removes the customer hash, visitor id and fingerprints from these conversions. Amounts,
 * commissions, status, currency, transaction id, click, link and attribution method stay: the
 * programme must keep its accounting records (and invoice partners from them), and once nothing
 * links a conversion to a person they are no longer personal data. `updated_at` is left as it
 * is: no figure changes, so no day needs rebuilding and no partner a correction. Answers the
 * conversions changed (each once: a conversion without identifiers is not touched).
 */
export async function eraseConversions(db: Db, ids: readonly string[]): Promise<number> {
  let changed = 0;
  for (let i = 0; i < ids.length; i += ERASE_CHUNK) {
    const res = await db
      .update(conversions)
      .set({ customerHash: null, visitorId: null, fingerprint: null, previousDayFingerprint: null })
      .where(and(inArray(conversions.id, valuesOf(ids.slice(i, i + ERASE_CHUNK))), conversionIdentifies))
      .run();
    changed += res.meta.changes ?? 0;
  }
  return changed;
}

/**
 * Redacts the postback log entries about the person: those whose parsed postback carries one of
 * their hashes or visitor ids, and those of their conversions. The request and body as received
 * are dropped (they may hold the user agent and whatever else the partner sent; the customer id
 * itself was never kept), and the parsed postback loses its hashes, visitor id and user agent.
 * What was posted for accounting (transaction, amounts, status) stays readable. Such an entry can
 * no longer be replayed. The log has no index on these: it is read in pages of `LOG_PAGE`
 * entries, one bounded statement each. Answers the entries changed.
 */
export async function erasePostbackLog(db: Db, p: PersonKeys, conversionIds: readonly string[]): Promise<number> {
  const redactedParsed = sql`json_remove(json_set(${postbackLog.parsed}, '$.customerHash', NULL, '$.visitorId', NULL,
    '$.fingerprints', json('[]')), '$.userAgent')`;
  let changed = 0;
  await eachLogPage(db, async (page) => {
    const res = await db
      .update(postbackLog)
      .set({ request: null, body: null, parsed: redactedParsed })
      .where(and(page, logEntriesOf(p, conversionIds), stillIdentifies))
      .run();
    changed += res.meta.changes ?? 0;
  });
  return changed;
}

/**
 * The postback log entries about the person that still identify them (as `erasePostbackLog`
 * finds them), oldest first: the request as received, the parsed postback, the outcome.
 */
export async function postbackLogOfPerson(db: Db, p: PersonKeys, conversionIds: readonly string[]) {
  const found: (typeof postbackLog.$inferSelect)[] = [];
  await eachLogPage(db, async (page) => {
    found.push(
      ...(await db
        .select()
        .from(postbackLog)
        .where(and(page, logEntriesOf(p, conversionIds), stillIdentifies))
        .orderBy(asc(postbackLog.id))
        .all()),
    );
  });
  return found;
}

/** Entries about the person: by the customer hash or visitor id read from them, or by their conversion. */
const logEntriesOf = (p: PersonKeys, conversionIds: readonly string[]) =>
  sql`(json_extract(${postbackLog.parsed}, '$.customerHash') IN ${valuesOf(p.userHashes)}
    OR json_extract(${postbackLog.parsed}, '$.visitorId') IN ${valuesOf(p.visitorIds)}
    OR ${postbackLog.conversionId} IN ${valuesOf(conversionIds)})`;

/** Entries still holding something that identifies someone: what an erasure clears. */
const stillIdentifies = sql`(${postbackLog.request} IS NOT NULL OR ${postbackLog.body} IS NOT NULL
    OR json_extract(${postbackLog.parsed}, '$.customerHash') IS NOT NULL
    OR json_extract(${postbackLog.parsed}, '$.visitorId') IS NOT NULL
    OR json_array_length(${postbackLog.parsed}, '$.fingerprints') > 0
    OR json_type(${postbackLog.parsed}, '$.userAgent') IS NOT NULL)`;

/** Calls `visit` with the condition of each page of `LOG_PAGE` log entries in id order, one after another. */
async function eachLogPage(db: Db, visit: (page: SQL) => Promise<void>): Promise<void> {
  for (let after = ''; ; ) {
    const last = await db
      .select({ id: postbackLog.id })
      .from(postbackLog)
      .where(gt(postbackLog.id, after))
      .orderBy(asc(postbackLog.id))
      .limit(1)
      .offset(LOG_PAGE - 1)
      .get();
    await visit(and(gt(postbackLog.id, after), ...(last ? [lte(postbackLog.id, last.id)] : [])) as SQL);
    if (!last) return;
    after = last.id;
  }
}

/** A page of the register of erasures, newest first (ids are ULIDs). */
export function listErasures(db: Db, opts: PageOptions) {
  return db
    .select()
    .from(privacyErasures)
    .where(opts.before ? lt(privacyErasures.id, opts.before) : undefined)
    .orderBy(desc(privacyErasures.id))
    .limit(opts.limit + 1)
    .all();
}

/** Adds an erasure to the register (counts and who asked, nothing of whom it was about). */
export async function recordErasure(db: Db, row: typeof privacyErasures.$inferInsert): Promise<void> {
  await db.insert(privacyErasures).values(row).run();
}
