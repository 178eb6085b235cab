// Erasure (GDPR article 17) and access (article 15) for one person: who they are in the data, what is held, its removal.

import {
  type ArchiveReader,
  archivedClicksOf,
  archiveReader,
  clickOfArchived,
  eraseFromArchive,
  underArchiveLease,
} from '../db/click-archive';
import { type Db, dbOf } from '../db/client';
import type { PageOptions } from '../db/paging';
import type { PostbackLogRow } from '../db/postback-log';
import {
  clicksOfPerson,
  conversionIdsOfPerson,
  conversionsOfPerson,
  deleteReferralCodes,
  eraseClicks,
  eraseConversions,
  eraseEvents,
  erasePostbackLog,
  eventsOfPerson,
  listErasures,
  type PersonKeys,
  postbackLogOfPerson,
  recordErasure,
  referralCodesAfter,
  referralCodesOfUserRef,
  userHashesSeenWith,
  visitorsSeenWith,
} from '../db/privacy';
import type { Click, Conversion, ReferralCode } from '../db/schema';
import type { ErasedPerson } from '../domain/click-archive';
import { userHash } from '../domain/identity';
import { newId } from '../domain/ids';
import { AppError } from '../http/errors';
import { writeAllClicks } from '../isolate/click-recorder';

export type { PersonKeys } from '../db/privacy';

/** Whom an erasure or an export is about: the app's user id, a visitor id, or both. */
export type PersonRequest = { userRef?: string | undefined; visitorId?: string | undefined };

/** Records changed by an erasure, per kind; a record counts once. */
export type ErasureCounts = { clicks: number; events: number; conversions: number; referralCodes: number };

/** What is held about a person, as `GET /api/v1/privacy/export` answers it once presented. */
export type PersonData = {
  clicks: Click[];
  events: Awaited<ReturnType<typeof eventsOfPerson>>;
  conversions: Conversion[];
  referralCodes: ReferralCode[];
  /** Postbacks received about them (their customer id or visitor, or one of their conversions), until erased or past retention. */
  postbackLog: PostbackLogRow[];
};

/** A person as the data knows them, and the app user ids met only through a device (known by hash alone). */
type Person = PersonKeys & { userRef: string | null; hashesMetThroughDevices: string[] };

const distinct = (values: readonly string[]) => [...new Set(values)];

/**
 * Who the request is about, in D1's identifiers. The rule: the app user id given (hashed as on
 * links and postbacks), and the app user ids seen on the given visitor's clicks and conversions;
 * then the visitor given, and every visitor (device) seen with one of those app users. It stops
 * there: another app user seen on one of those devices is not taken in, but the clicks they
 * made on it are erased all the same, since the device is the person's.
 */
async function personOf(env: Env, db: Db, req: PersonRequest, archive: ArchiveReader | null): Promise<Person> {
  const given = req.userRef ? [await userHash(env.HASH_KEY, req.userRef)] : [];
  const givenVisitors = req.visitorId ? [req.visitorId] : [];
  // The same rule over the clicks past retention, when archived: a device seen with the user
  // only on archived clicks is theirs all the same.
  const archivedOf = (keys: PersonKeys) =>
    archive ? archivedClicksOf(archive, personSets(keys)) : Promise.resolve([]);
  const userHashes = distinct([
    ...given,
    ...(await userHashesSeenWith(db, givenVisitors)),
    ...(await archivedOf({ userHashes: [], visitorIds: givenVisitors })).flatMap((c) => c.uidHash ?? []),
  ]);
  const visitorIds = distinct([
    ...givenVisitors,
    ...(await visitorsSeenWith(db, userHashes)),
    ...(await archivedOf({ userHashes, visitorIds: [] })).flatMap((c) => c.visitorId ?? []),
  ]);
  return {
    userRef: req.userRef ?? null,
    userHashes,
    visitorIds,
    hashesMetThroughDevices: userHashes.filter((h) => !given.includes(h)),
  };
}

/** How long an erasure waits for the archive's lease: longer than a purge run (20 s). */
const ARCHIVE_WAIT_MS = 30_000;

/**
 * Erases the person from the archive, under its lease and after D1's clicks: a purge that read
 * some of their clicks before D1's were cleared holds the lease until its objects are in their
 * manifests, where this pass then finds them; one that starts later reads the cleared rows.
 */
async function eraseArchivedClicks(env: Env, person: PersonKeys): Promise<number> {
  const bucket = env.ARCHIVE;
  if (!bucket) return 0;
  const done = await underArchiveLease(env.DB, ARCHIVE_WAIT_MS, () => eraseFromArchive(bucket, personSets(person)));
  if (!done) {
    throw new AppError(
      503,
      'busy',
      'The click archive is being rewritten; retry in a minute (what was erased so far stays erased).',
      undefined,
      { 'Retry-After': '60' },
    );
  }
  return done.value.rows;
}

const personSets = (keys: PersonKeys): ErasedPerson => ({
  visitorIds: new Set(keys.visitorIds),
  uidHashes: new Set(keys.userHashes),
});

/** Referral codes read per page when looking for those of app users known only by hash. */
const CODE_PAGE = 1000;

/**
 * The referral codes made for the person. Codes keep the app's user id itself (the app asks for
 * a user's code by it), so those of the user id given are looked up directly; those of an app
 * user met only through a device are found by hashing the user of every code, page by page: a
 * cost paid only by an erasure or export by visitor id that finds an app user.
 */
async function referralCodesOf(env: Env, db: Db, person: Person): Promise<ReferralCode[]> {
  const found = person.userRef ? await referralCodesOfUserRef(db, person.userRef) : [];
  const wanted = new Set(person.hashesMetThroughDevices);
  if (wanted.size === 0) return found;
  const seen = new Set(found.map((c) => c.id));
  for (let after = ''; ; ) {
    const page = await referralCodesAfter(db, after, CODE_PAGE);
    const hashes = await Promise.all(page.map((c) => userHash(env.HASH_KEY, c.userRef)));
    page.forEach((code, i) => {
      if (wanted.has(hashes[i] as string) && !seen.has(code.id)) found.push(code);
    });
    if (page.length < CODE_PAGE) return found;
    after = (page.at(-1) as ReferralCode).id;
  }
}

/**
 * Everything held about the person: their clicks (with the user agent; those past retention read
 * from the archive), funnel events, conversions and referral codes. After an erasure, every list
 * is empty.
 * @example await personalData(env, { userRef: 'user-42' })
 */
export async function personalData(env: Env, req: PersonRequest): Promise<PersonData> {
  await writeAllClicks(env);
  const db = dbOf(env);
  const archive = env.ARCHIVE ? archiveReader(env.ARCHIVE) : null;
  const person = await personOf(env, db, req, archive);
  const conversionIds = await conversionIdsOfPerson(db, person);
  const [clicks, archived, events, conversions, referralCodes, postbackLog] = await Promise.all([
    clicksOfPerson(db, person),
    archive ? archivedClicksOf(archive, personSets(person)) : [],
    eventsOfPerson(db, person),
    conversionsOfPerson(db, person),
    referralCodesOf(env, db, person),
    postbackLogOfPerson(db, person, conversionIds),
  ]);
  // A click archived whose delete from D1 has not finished yet is in both: listed once.
  const inD1 = new Set(clicks.map((c) => c.id));
  const older = archived.filter((c) => !inD1.has(c.id)).map(clickOfArchived);
  return { clicks: [...older, ...clicks], events, conversions, referralCodes, postbackLog };
}

/**
 * Erases the person: afterwards no click, event or conversion is linked to them, their referral
 * codes are gone and the postback log entries about them are redacted; amounts and commissions
 * stay (see `eraseConversions`). Referral codes are deleted rather than given another user: a
 * code exists only to credit its user, and one kept for nobody would go on redirecting and
 * crediting no one (past clicks and conversions keep the code's text, which names no one once
 * the code is gone). Many short statements, never one long one; idempotent (a second erasure
 * changes nothing and answers zeros), and one cut short is finished by running it again. The
 * register of erasures gets its counts and `actor`, never the identifiers.
 * @example await erasePerson(env, { userRef: 'user-42' }, 'admin-key')
 */
export async function erasePerson(env: Env, req: PersonRequest, actor: string): Promise<ErasureCounts> {
  // Clicks of the last second or two wait in the click buffers: written first, they are erased too.
  await writeAllClicks(env);
  const db = dbOf(env);
  const person = await personOf(env, db, req, env.ARCHIVE ? archiveReader(env.ARCHIVE) : null);
  const codes = await referralCodesOf(env, db, person);
  const conversionIds = await conversionIdsOfPerson(db, person);
  // Clicks last: the person's devices and conversions are found through them, so an erasure cut
  // short before the end finds everything left when it is run again (in the archive too, which
  // is read for them the same way).
  const postbackLogEntries = await erasePostbackLog(db, person, conversionIds);
  const conversions = await eraseConversions(db, conversionIds);
  const events = await eraseEvents(db, person);
  const referralCodes = await deleteReferralCodes(
    db,
    codes.map((c) => c.id),
  );
  const clicks = (await eraseClicks(db, person)) + (await eraseArchivedClicks(env, person));
  const counts = { clicks, events, conversions, referralCodes };
  await recordErasure(db, {
    id: newId('era'),
    actor,
    byUserRef: req.userRef !== undefined,
    byVisitorId: req.visitorId !== undefined,
    ...counts,
    postbackLogEntries,
  });
  return counts;
}

/**
 * The register of erasures, newest first: when, which key asked, which kind of identifier was
 * given and the records changed; never whom it was about.
 * @example await erasureRegister(env, { limit: 50 })
 */
export function erasureRegister(env: Env, opts: PageOptions) {
  return listErasures(dbOf(env), opts);
}
