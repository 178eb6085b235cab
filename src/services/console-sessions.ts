// Console sign-in: invitations accepted, passwords checked (rate-limited), sessions opened, looked up and ended.
import { dbOf } from '../db/client';
import {
  type ConsoleUserWithPartner,
  consoleUserByEmail,
  deleteSession,
  openSession,
  sessionByHash,
  spendTokenForSession,
  touchSession,
  userOfLiveToken,
} from '../db/console-users';
import type { ConsoleUserRow } from '../db/schema';
import { DAY_MS } from '../domain/aggregation';
import { networkOf } from '../domain/client-network';
import {
  type ConsoleTokenKind,
  consoleTokenHash,
  csrfTokenOf,
  isPlausibleToken,
  normalizeEmail,
  sessionTokenHash,
} from '../domain/console-user';
import { keyedHash } from '../domain/hashing';
import { randomToken } from '../domain/ids';
import { keyHolder } from '../domain/key-role';
import { DECOY_PASSWORD_HASH, hashPassword, passwordProblem, verifyPassword } from '../domain/password';
import type { CallerScope } from '../domain/visibility';
import { AppError, forbidden, invalidRequest } from '../http/errors';
import { reserveSignInAttempt, signInAccountBucket, signInAddressBucket } from '../isolate/sign-in-rate-limit';

/**
 * How long a session lasts from sign-in, whatever its use: a week spares people signing in every
 * day, and bounds what a stolen cookie is worth. Not extended by use, so that it ends for sure.
 */
export const SESSION_TTL_MS = 7 * DAY_MS;
/** `lastSeenAt` is written at most once a minute per session, so that page views stay reads. */
const LAST_SEEN_STALE_MS = 60_000;

/** Who is signed in. */
export type ConsoleUser = Pick<ConsoleUserRow, 'id' | 'email' | 'role' | 'partnerId'>;

/** A live session: its user, what it may see, the token its forms carry, and when it ends. */
export type ConsoleSession = { user: ConsoleUser; scope: CallerScope; csrfToken: string; expiresAt: Date };

/** A session just opened: `token` goes in the cookie and is kept nowhere else. */
export type OpenedSession = { token: string; user: ConsoleUser; expiresAt: Date };

const userOf = ({ id, email, role, partnerId }: ConsoleUserRow): ConsoleUser => ({ id, email, role, partnerId });

/** What the user may see, or null when it may not sign in: a partner user counts only while its partner is live, as its API keys do. */
function scopeOf(user: ConsoleUserWithPartner): CallerScope | null {
  const holder = keyHolder(user);
  if (!holder) return null;
  return { partnerId: holder.role === 'partner' ? holder.partnerId : null };
}

/** The user a live link of `kind` opens for, or undefined: unknown, used, expired, or its partner gone. */
async function userOfLink(env: Env, token: string | undefined, kind: ConsoleTokenKind) {
  if (!isPlausibleToken(token)) return undefined;
  const tokenHash = await consoleTokenHash(env.HASH_KEY, token);
  const user = await userOfLiveToken(dbOf(env), tokenHash, kind, new Date());
  return user && scopeOf(user) ? { user, tokenHash } : undefined;
}

/** A fresh session for `userId`: its token, and the row keeping only its hash. */
async function newSession(env: Env, userId: string) {
  const token = randomToken(32);
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + SESSION_TTL_MS);
  return {
    token,
    expiresAt,
    row: { tokenHash: await sessionTokenHash(env.HASH_KEY, token), userId, createdAt, expiresAt },
  };
}

const inviteNotFound = () =>
  new AppError(
    404,
    'invite_not_found',
    'This invitation is unknown, was used already or has expired; ask for a new one.',
  );

/**
 * The invitation a token opens, while it is unused and unexpired (and its partner live); else null.
 * @example await invitationOf(env, token) // { email: 'anne@autodoc.fr' }
 */
export async function invitationOf(env: Env, token: string): Promise<{ email: string } | null> {
  const found = await userOfLink(env, token, 'invite');
  return found ? { email: found.user.email } : null;
}

/**
 * Accepts an invitation: the password set, the invitation spent, the user's other sessions ended
 * and a new session opened, all in one batch. 404 `invite_not_found` for an unknown, used or
 * expired invitation; 400 `weak_password` under 12 characters.
 */
export async function acceptInvite(env: Env, token: string, password: string): Promise<OpenedSession> {
  const found = await userOfLink(env, token, 'invite');
  if (!found) throw inviteNotFound();
  const problem = passwordProblem(password);
  if (problem === 'too_short') {
    throw new AppError(400, 'weak_password', 'Choose a password of at least 12 characters.', [{ path: ['password'] }]);
  }
  if (problem === 'too_long') throw invalidRequest('A password has at most 256 characters.', [{ path: ['password'] }]);
  const session = await newSession(env, found.user.id);
  const passwordHash = await hashPassword(password);
  const now = session.row.createdAt;
  const spent = await spendTokenForSession(
    dbOf(env),
    { tokenHash: found.tokenHash, kind: 'invite', now, passwordHash },
    session.row,
  );
  // Accepted by another request meanwhile: the invitation was single-use.
  if (!spent) throw inviteNotFound();
  return { token: session.token, user: userOf(found.user), expiresAt: session.expiresAt };
}

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'This email and password do not match.');

/**
 * Signs a person in with email and password. An unknown email, a person who has not chosen a
 * password yet and a wrong password all get the same 401 `invalid_credentials`, after the same
 * PBKDF2 work. Failures are limited per account (5 per 15 minutes) and per client address (20);
 * over either, 429 `rate_limited` with `Retry-After`, before the password is looked at.
 * A partner user whose partnership has ended gets 403.
 * @example await signIn(env, { email: 'anne@autodoc.fr', password, address: '203.0.113.7' })
 */
export async function signIn(
  env: Env,
  input: { email: string; password: string; address: string },
): Promise<OpenedSession> {
  const email = normalizeEmail(input.email);
  const attempt = await reserveSignInAttempt(env, {
    account: signInAccountBucket(await keyedHash(env.HASH_KEY, 'sign-in-account', email)),
    // An IPv6 client picks any address of its /64: the network is what is counted.
    address: signInAddressBucket(await keyedHash(env.HASH_KEY, 'sign-in-address', networkOf(input.address))),
  });
  if (!attempt.allowed) {
    throw new AppError(
      429,
      'rate_limited',
      `Too many failed sign-ins; retry in ${attempt.retryAfterSec} s.`,
      { retryAfterSec: attempt.retryAfterSec },
      { 'Retry-After': String(attempt.retryAfterSec) },
    );
  }
  const db = dbOf(env);
  const user = await consoleUserByEmail(db, email);
  // Verified even without a user or a password: the answer takes as long either way.
  const matches = await verifyPassword(input.password, user?.passwordHash ?? DECOY_PASSWORD_HASH);
  if (!user?.passwordHash || !matches) throw invalidCredentials();
  await attempt.giveBack();
  const scope = scopeOf(user);
  if (!scope) throw forbidden("This partner's access to the console has ended.");
  const session = await newSession(env, user.id);
  await openSession(db, session.row);
  return { token: session.token, user: userOf(user), expiresAt: session.expiresAt };
}

/**
 * Signs in through a one-time `sign_in` link (the local demo's), spending it; 404
 * `link_not_found` for an unknown, used or expired one.
 */
export async function signInWithLink(env: Env, token: string): Promise<OpenedSession> {
  const notFound = () =>
    new AppError(404, 'link_not_found', 'This sign-in link is unknown, was used already or has expired.');
  const found = await userOfLink(env, token, 'sign_in');
  if (!found) throw notFound();
  const session = await newSession(env, found.user.id);
  const spent = await spendTokenForSession(
    dbOf(env),
    { tokenHash: found.tokenHash, kind: 'sign_in', now: session.row.createdAt },
    session.row,
  );
  if (!spent) throw notFound();
  return { token: session.token, user: userOf(found.user), expiresAt: session.expiresAt };
}

/**
 * The live session a cookie's token names, or null: unknown, expired, its user removed, or a
 * partner user whose partner is deleted or ended.
 * @example const session = await sessionOf(env, getCookie(c, 'rl_session'))
 */
export async function sessionOf(env: Env, token: string | undefined): Promise<ConsoleSession | null> {
  if (!isPlausibleToken(token)) return null;
  const db = dbOf(env);
  const tokenHash = await sessionTokenHash(env.HASH_KEY, token);
  const found = await sessionByHash(db, tokenHash);
  if (!found) return null;
  const nowMs = Date.now();
  if (found.expiresAt.getTime() <= nowMs) {
    await deleteSession(db, tokenHash);
    return null;
  }
  const scope = scopeOf(found.user);
  if (!scope) return null;
  if (nowMs - found.lastSeenAt.getTime() > LAST_SEEN_STALE_MS) await touchSession(db, tokenHash, new Date(nowMs));
  return {
    user: userOf(found.user),
    scope,
    csrfToken: await csrfTokenOf(env.HASH_KEY, token),
    expiresAt: found.expiresAt,
  };
}

/** Ends the session a token names (nothing when there is none). */
export async function signOut(env: Env, token: string | undefined): Promise<void> {
  if (!isPlausibleToken(token)) return;
  await deleteSession(dbOf(env), await sessionTokenHash(env.HASH_KEY, token));
}
