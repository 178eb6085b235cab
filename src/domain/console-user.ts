// People of the console: their roles, the single-use links they are sent, the form an email is kept in, and the keyed hashes their tokens are stored under.
import { keyedHash } from './hashing';

/** What a console user may see: every partner (admin) or one partner's data, read-only (partner). */
export const CONSOLE_ROLES = ['admin', 'partner'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Single-use links: an invitation to choose a password, or a sign-in without one (local demo links). */
export const CONSOLE_TOKEN_KINDS = ['invite', 'sign_in'] as const;
export type ConsoleTokenKind = (typeof CONSOLE_TOKEN_KINDS)[number];

/** Whether the person has accepted the invitation (chosen a password) yet. */
export const CONSOLE_USER_STATUSES = ['invited', 'active'] as const;
export type ConsoleUserStatus = (typeof CONSOLE_USER_STATUSES)[number];

/**
 * The form an email is stored and looked up in: trimmed and lower-cased, so that one address is
 * one account however it is typed (the unique index compares this form only).
 * @example normalizeEmail('  Anne@Autodoc.FR ') // 'anne@autodoc.fr'
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The key a single-use link is stored under: the keyed hash of its token, so that the table
 * alone opens nothing.
 */
export const consoleTokenHash = (hashKey: string, token: string) => keyedHash(hashKey, 'console-token', token);

/** The key a session is stored under: the keyed hash of the token its cookie holds. */
export const sessionTokenHash = (hashKey: string, token: string) => keyedHash(hashKey, 'console-session', token);

/**
 * The CSRF token of a session: a keyed hash of its token under a purpose of its own, the same for
 * the whole session (forms carry it) and useless for signing in.
 */
export const csrfTokenOf = (hashKey: string, sessionToken: string) => keyedHash(hashKey, 'console-csrf', sessionToken);

/** Tokens Relais hands out are 43 characters; anything much longer is refused before it is hashed. */
export const isPlausibleToken = (token: string | undefined): token is string =>
  typeof token === 'string' && token.length > 0 && token.length <= 128;
