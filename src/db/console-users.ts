// Console users, their single-use links and their sessions: found by keyed hashes, read with their partner's state.
import { and, desc, eq, exists, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { ConsoleTokenKind } from '../domain/console-user';
import type { StoredKey } from '../domain/key-role';
import type { PartnerStatus } from '../domain/partnership';
import type { Db } from './client';
import { insertIf } from './insert-if';
import { type ConsoleUserRow, consoleSessions, consoleTokens, consoleUsers, partners } from './schema';

/** A console user as listed: never the password hash, only whether there is one. */
export type ConsoleUserListed = Omit<ConsoleUserRow, 'passwordHash'> & { hasPassword: boolean };

/** A user and the state of the partner it names (null: none), as `keyHolder` decides on. */
export type ConsoleUserWithPartner = ConsoleUserRow & Pick<StoredKey, 'partner'>;

/** A single-use link to write: its token's keyed hash, never the token. */
export type NewConsoleToken = { tokenHash: string; userId: string; kind: ConsoleTokenKind; expiresAt: Date };

/** A session to open: its token's keyed hash, never the token. */
export type NewConsoleSession = { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date };

const listedColumns = {
  id: consoleUsers.id,
  email: consoleUsers.email,
  role: consoleUsers.role,
  partnerId: consoleUsers.partnerId,
  createdAt: consoleUsers.createdAt,
  lastSignInAt: consoleUsers.lastSignInAt,
  hasPassword: sql<boolean>`${consoleUsers.passwordHash} IS NOT NULL`.mapWith(Boolean),
};

const userAndPartnerColumns = {
  user: consoleUsers,
  partnerStatus: partners.status,
  partnerDeletedAt: partners.deletedAt,
};

function withPartner(row: {
  user: ConsoleUserRow;
  partnerStatus: PartnerStatus | null;
  partnerDeletedAt: Date | null;
}): ConsoleUserWithPartner {
  const partner = row.partnerStatus === null ? null : { status: row.partnerStatus, deletedAt: row.partnerDeletedAt };
  return { ...row.user, partner };
}

/** The emails of the users among `ids` who still exist (a history names people by id). */
export async function consoleUserEmails(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: consoleUsers.id, email: consoleUsers.email })
    .from(consoleUsers)
    .where(inArray(consoleUsers.id, ids.slice(0, 90)))
    .all();
  return new Map(rows.map((r) => [r.id, r.email]));
}

export async function getConsoleUser(db: Db, id: string): Promise<ConsoleUserListed | undefined> {
  return db.select(listedColumns).from(consoleUsers).where(eq(consoleUsers.id, id)).get();
}

/** The user of this (normalised) email with its partner's state, in one query. */
export async function consoleUserByEmail(db: Db, email: string): Promise<ConsoleUserWithPartner | undefined> {
  const row = await db
    .select(userAndPartnerColumns)
    .from(consoleUsers)
    .leftJoin(partners, eq(partners.id, consoleUsers.partnerId))
    .where(eq(consoleUsers.email, email))
    .get();
  return row && withPartner(row);
}

/** Users newest first, `limit + 1` of them (the extra one tells whether another page follows). */
export async function listConsoleUsers(db: Db, opts: { limit: number; before?: string }): Promise<ConsoleUserListed[]> {
  return db
    .select(listedColumns)
    .from(consoleUsers)
    .where(opts.before ? lt(consoleUsers.id, opts.before) : undefined)
    .orderBy(desc(consoleUsers.id))
    .limit(opts.limit + 1)
    .all();
}

/** The condition that a link is unused, unexpired and of `kind` at `now`. */
const isLiveToken = (tokenHash: string, kind: ConsoleTokenKind, now: Date) =>
  and(
    eq(consoleTokens.tokenHash, tokenHash),
    eq(consoleTokens.kind, kind),
    isNull(consoleTokens.usedAt),
    gt(consoleTokens.expiresAt, now),
  );

/** The user a live link of `kind` was sent to, with its partner's state; undefined for a used, expired or unknown one. */
export async function userOfLiveToken(
  db: Db,
  tokenHash: string,
  kind: ConsoleTokenKind,
  now: Date,
): Promise<ConsoleUserWithPartner | undefined> {
  const row = await db
    .select(userAndPartnerColumns)
    .from(consoleTokens)
    .innerJoin(consoleUsers, eq(consoleUsers.id, consoleTokens.userId))
    .leftJoin(partners, eq(partners.id, consoleUsers.partnerId))
    .where(isLiveToken(tokenHash, kind, now))
    .get();
  return row && withPartner(row);
}

/**
 * Inserts a user and its invitation together; false (nothing written) when the email is taken.
 * The link is written only if the user was: both or neither.
 */
export async function insertUserWithToken(
  db: Db,
  user: typeof consoleUsers.$inferInsert,
  token: NewConsoleToken,
): Promise<ConsoleUserListed | undefined> {
  const [inserted] = await db.batch([
    db.insert(consoleUsers).values(user).onConflictDoNothing().returning(listedColumns),
    insertIf(db, consoleTokens, token, sql`EXISTS (SELECT 1 FROM console_users WHERE id = ${user.id})`),
  ]);
  return inserted[0];
}

/**
 * Sends a user a new link of `token.kind`, the earlier ones of that kind ending with it (and the
 * user's spent links of any kind dropped: they open nothing). False when there is no such user.
 */
export async function replaceTokens(db: Db, token: NewConsoleToken, now: Date): Promise<boolean> {
  const [, inserted] = await db.batch([
    db
      .delete(consoleTokens)
      .where(
        and(
          eq(consoleTokens.userId, token.userId),
          or(
            eq(consoleTokens.kind, token.kind),
            lte(consoleTokens.expiresAt, now),
            sql`${consoleTokens.usedAt} IS NOT NULL`,
          ),
        ),
      ),
    insertIf(db, consoleTokens, token, sql`EXISTS (SELECT 1 FROM console_users WHERE id = ${token.userId})`).returning({
      tokenHash: consoleTokens.tokenHash,
    }),
  ]);
  return inserted.length > 0;
}

/** Deletes a user, its links and all its sessions at once; false when there was no such user. */
export async function deleteConsoleUser(db: Db, id: string): Promise<boolean> {
  const [, , deleted] = await db.batch([
    db.delete(consoleSessions).where(eq(consoleSessions.userId, id)),
    db.delete(consoleTokens).where(eq(consoleTokens.userId, id)),
    db.delete(consoleUsers).where(eq(consoleUsers.id, id)).returning({ id: consoleUsers.id }),
  ]);
  return deleted.length > 0;
}

/**
 * Spends a live link of `kind` and opens a session for its user, in one batch; with
 * `passwordHash`, sets the user's password too and ends the user's other sessions (a password
 * chosen anew leaves nobody signed in with the old one). Every write is conditioned on the link
 * being live, so that of two uses at once only one does anything. False when it was not live.
 */
export async function spendTokenForSession(
  db: Db,
  spend: { tokenHash: string; kind: ConsoleTokenKind; now: Date; passwordHash?: string },
  session: NewConsoleSession,
): Promise<boolean> {
  const { tokenHash, kind, now, passwordHash } = spend;
  const live = exists(
    db
      .select({ one: sql`1` })
      .from(consoleTokens)
      .where(isLiveToken(tokenHash, kind, now)),
  );
  const [, , , spent] = await db.batch([
    db
      .update(consoleUsers)
      .set(passwordHash ? { passwordHash, lastSignInAt: now } : { lastSignInAt: now })
      .where(and(eq(consoleUsers.id, session.userId), live)),
    db
      .delete(consoleSessions)
      .where(
        and(
          eq(consoleSessions.userId, session.userId),
          passwordHash ? undefined : lte(consoleSessions.expiresAt, now),
          live,
        ),
      ),
    insertIf(db, consoleSessions, { ...session, lastSeenAt: session.createdAt }, live),
    // Spent last: the statements above read the link as live.
    db
      .update(consoleTokens)
      .set({ usedAt: now })
      .where(isLiveToken(tokenHash, kind, now))
      .returning({ tokenHash: consoleTokens.tokenHash }),
  ]);
  return spent.length > 0;
}

/** Opens a session, stamps the sign-in and drops the user's expired sessions, in one batch. */
export async function openSession(db: Db, session: NewConsoleSession): Promise<void> {
  await db.batch([
    db
      .delete(consoleSessions)
      .where(and(eq(consoleSessions.userId, session.userId), lte(consoleSessions.expiresAt, session.createdAt))),
    db.insert(consoleSessions).values({ ...session, lastSeenAt: session.createdAt }),
    db.update(consoleUsers).set({ lastSignInAt: session.createdAt }).where(eq(consoleUsers.id, session.userId)),
  ]);
}

/** A session as it is checked: its times, and its user with the partner's state; undefined when unknown. */
export async function sessionByHash(
  db: Db,
  tokenHash: string,
): Promise<{ expiresAt: Date; lastSeenAt: Date; user: ConsoleUserWithPartner } | undefined> {
  const row = await db
    .select({ ...userAndPartnerColumns, expiresAt: consoleSessions.expiresAt, lastSeenAt: consoleSessions.lastSeenAt })
    .from(consoleSessions)
    .innerJoin(consoleUsers, eq(consoleUsers.id, consoleSessions.userId))
    .leftJoin(partners, eq(partners.id, consoleUsers.partnerId))
    .where(eq(consoleSessions.tokenHash, tokenHash))
    .get();
  return row && { expiresAt: row.expiresAt, lastSeenAt: row.lastSeenAt, user: withPartner(row) };
}

export async function touchSession(db: Db, tokenHash: string, at: Date): Promise<void> {
  await db.update(consoleSessions).set({ lastSeenAt: at }).where(eq(consoleSessions.tokenHash, tokenHash)).run();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)).run();
}
