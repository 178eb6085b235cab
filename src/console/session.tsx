// Who is signed in: the session cookie, its attributes, and the gate in front of every page.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { constantTimeEqual } from '../domain/hashing';
import { invalidRequest } from '../http/errors';
import { type ConsoleSession, sessionOf } from '../services/console-sessions';
import type { ConsoleEnv } from './context';
import { ProblemPage } from './ui/problem-page';
import { uiOf } from './view-context';

export const SESSION_COOKIE = 'relais_session';

/**
 * Sets the cookie naming a server-side session: out of scripts' reach (HttpOnly), never sent
 * over plain HTTP (Secure), not sent with other sites' POSTs (SameSite=Lax), for the whole
 * origin because the console's forms and its sign-out live under several paths.
 */
export function startSession(c: Context, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: '/',
    expires: expiresAt,
  });
}

export function endSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
}

export const sessionTokenOf = (c: Context): string | undefined => getCookie(c, SESSION_COOKIE);

/**
 * Only a path of the console itself is a place to come back to after sign-in (no open redirect),
 * and only in printable ASCII: it goes into a Location header, which refuses control characters.
 */
export function isConsolePath(next: string | undefined): next is string {
  return next !== undefined && /^\/console(?:[/?#][\x21-\x7e]*)?$/.test(next);
}

const WRONG_FORM = 'This form has expired. Go back, reload the page and send it again.';

/**
 * Lets through only a signed-in person: a page asked without a valid session leads to the
 * sign-in form (and back afterwards); a form sent without one, or without the session's form
 * token, is refused.
 */
export const requireSession: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const session = await sessionOf(c.env, sessionTokenOf(c));
  const isRead = c.req.method === 'GET' || c.req.method === 'HEAD';
  if (session === null) {
    const url = new URL(c.req.url);
    const back = isRead ? `?next=${encodeURIComponent(url.pathname + url.search)}` : '';
    return c.redirect(`/console/login${back}`, isRead ? 302 : 303);
  }
  if (!isRead && !hasFormToken(session, await formOf(c)))
    return c.html(<ProblemPage ui={uiOf(c, session)} status={403} message={WRONG_FORM} />, 403);
  c.set('session', session);
  c.set('ui', uiOf(c, session));
  return next();
};

/**
 * The fields of a posted form; 400 when the body is not one (a broken multipart body makes the
 * runtime's form parser throw, which would otherwise be a 500).
 */
export async function formOf(c: Context): Promise<Record<string, string | File>> {
  try {
    return await c.req.parseBody();
  } catch {
    throw invalidRequest('The form could not be read: send it again from the console.');
  }
}

function hasFormToken(session: ConsoleSession, body: Record<string, unknown>): boolean {
  const token = body['_csrf'];
  return typeof token === 'string' && constantTimeEqual(token, session.csrfToken);
}

/** Pages for admins only: to a partner's user they do not exist (404, like another partner's objects). */
export const adminOnly: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (c.get('session').user.role !== 'admin') {
    return c.html(<ProblemPage ui={c.get('ui')} status={404} message="" />, 404);
  }
  return next();
};
