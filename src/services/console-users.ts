// Console users' use cases: invite one (a single-use link), list them, invite one again, remove one (signed out everywhere).
import { dbOf } from '../db/client';
import {
  type ConsoleUserListed,
  deleteConsoleUser,
  getConsoleUser,
  insertUserWithToken,
  listConsoleUsers,
  replaceTokens,
} from '../db/console-users';
import { getPartner } from '../db/partners';
import { DAY_MS } from '../domain/aggregation';
import {
  type ConsoleTokenKind,
  type ConsoleUserStatus,
  consoleTokenHash,
  normalizeEmail,
} from '../domain/console-user';
import { newId, randomToken } from '../domain/ids';
import { AppError, invalidRequest, notFound } from '../http/errors';
import type { UserCreate } from '../schemas/user';

/** How long an invitation may be accepted: a week covers a person away for a few days. */
export const INVITATION_TTL_MS = 7 * DAY_MS;
/** How long a sign-in link works (the local demo's): it is printed on a terminal, to be opened at once. */
export const SIGN_IN_LINK_TTL_MS = 60 * 60 * 1000;

/** A console user as answered: never the password hash. */
export type ConsoleUserRecord = Omit<ConsoleUserListed, 'hasPassword'> & { status: ConsoleUserStatus };

const recordOf = ({ hasPassword, ...user }: ConsoleUserListed): ConsoleUserRecord => ({
  ...user,
  status: hasPassword ? 'active' : 'invited',
});

/** Where each kind of link leads, under the console. */
const LINK_PATHS: Record<ConsoleTokenKind, string> = { invite: 'invite', sign_in: 'sign-in' };

/** A new link of `kind` for `userId`: its URL under `origin`, and the row keeping only its hash. */
async function newLink(env: Env, userId: string, kind: ConsoleTokenKind, ttlMs: number, origin: string) {
  const token = randomToken(32);
  return {
    url: `${origin}/console/${LINK_PATHS[kind]}/${token}`,
    row: {
      tokenHash: await consoleTokenHash(env.HASH_KEY, token),
      userId,
      kind,
      expiresAt: new Date(Date.now() + ttlMs),
    },
  };
}

/**
 * Invites a person: the user stored without a password, and the absolute URL of a single-use
 * invitation valid 7 days, answered this once. A partner user needs a live partner: 400 without
 * `partnerId` or for an ended partnership, 404 for an unknown or deleted partner; an admin takes
 * no `partnerId` (400). An email already used answers 409 `email_in_use`, whatever its case.
 * @example await createUser(env, { email: 'anne@autodoc.fr', role: 'partner', partnerId }, 'https://go.example')
 */
export async function createUser(
  env: Env,
  input: UserCreate,
  origin: string,
): Promise<ConsoleUserRecord & { inviteUrl: string }> {
  const db = dbOf(env);
  const email = normalizeEmail(input.email);
  if (input.role === 'admin' && input.partnerId) {
    throw invalidRequest('An admin sees every partner and takes no partnerId.', [{ path: ['partnerId'] }]);
  }
  if (input.role === 'partner') {
    if (!input.partnerId) throw invalidRequest('A partner user needs partnerId.', [{ path: ['partnerId'] }]);
    const partner = await getPartner(db, input.partnerId);
    if (!partner) throw notFound('partner');
    // Its users would be refused at once (sessionOf): inviting one would only mislead.
    if (partner.status === 'ended') {
      throw invalidRequest('This partnership has ended: its people no longer sign in.', [{ path: ['partnerId'] }]);
    }
  }
  const id = newId('usr');
  const invite = await newLink(env, id, 'invite', INVITATION_TTL_MS, origin);
  const user = await insertUserWithToken(
    db,
    { id, email, role: input.role, partnerId: input.role === 'partner' ? (input.partnerId ?? null) : null },
    invite.row,
  );
  if (!user) throw new AppError(409, 'email_in_use', `A console user with the email ${email} already exists.`);
  return { ...recordOf(user), inviteUrl: invite.url };
}

/**
 * Console users newest first, `limit + 1` of them: the extra one tells whether another page
 * follows (`page` of src/http/pagination.ts cuts it off). `before` is the id the cursor decodes to.
 */
export async function listUsers(env: Env, page: { limit: number; before?: string }): Promise<ConsoleUserRecord[]> {
  return (await listConsoleUsers(dbOf(env), page)).map(recordOf);
}

/** One console user, or 404. */
export async function consoleUser(env: Env, id: string): Promise<ConsoleUserRecord> {
  const user = await getConsoleUser(dbOf(env), id);
  if (!user) throw notFound('console user');
  return recordOf(user);
}

/** Removes a person: the user, its links and every session of it go in one batch (signed out everywhere); 404 when unknown. */
export async function removeUser(env: Env, id: string): Promise<void> {
  if (!(await deleteConsoleUser(dbOf(env), id))) throw notFound('console user');
}

/**
 * A fresh invitation for a user (valid 7 days); the earlier ones stop working. For a person who
 * has a password already, accepting it sets a new one: how an admin resets a forgotten password.
 */
export async function reinviteUser(env: Env, id: string, origin: string): Promise<{ inviteUrl: string }> {
  const invite = await newLink(env, id, 'invite', INVITATION_TTL_MS, origin);
  if (!(await replaceTokens(dbOf(env), invite.row, new Date()))) throw notFound('console user');
  return { inviteUrl: invite.url };
}

/**
 * A one-time sign-in link for a user, valid an hour, that needs no password (the earlier ones stop
 * working): for local demo users only, handed out by a development route.
 */
export async function issueSignInLink(env: Env, id: string, origin: string): Promise<{ signInUrl: string }> {
  const link = await newLink(env, id, 'sign_in', SIGN_IN_LINK_TTL_MS, origin);
  if (!(await replaceTokens(dbOf(env), link.row, new Date()))) throw notFound('console user');
  return { signInUrl: link.url };
}
