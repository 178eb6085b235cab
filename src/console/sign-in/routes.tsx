// Signing in and out: the sign-in form, invitations, one-time sign-in links, sign-out.
import { Hono } from 'hono';
import { AppError } from '../../http/errors';
import { acceptInvite, invitationOf, signIn, signInWithLink, signOut } from '../../services/console-sessions';
import type { ConsoleEnv } from '../context';
import { endSessionCookie, formOf, isConsolePath, requireSession, sessionTokenOf, startSession } from '../session';
import { messages } from '../ui/messages';
import { ProblemPage } from '../ui/problem-page';
import { uiOf } from '../view-context';
import { InvitePage, LoginPage } from './pages';

const m = messages(
  {
    invalid_credentials: 'This email and password do not match an account.',
    rate_limited: (minutes: number) => `Too many failed attempts. Try again in ${minutes} minute(s).`,
    weak_password: 'The password must have at least 12 characters.',
    too_long: 'The password may have at most 256 characters.',
  },
  {
    invalid_credentials: 'Cet email et ce mot de passe ne correspondent à aucun compte.',
    rate_limited: (minutes: number) => `Trop de tentatives échouées. Réessayez dans ${minutes} minute(s).`,
    weak_password: 'Le mot de passe doit compter au moins 12 caractères.',
    too_long: 'Le mot de passe peut compter au plus 256 caractères.',
  },
);

export const signInRoutes = new Hono<ConsoleEnv>();

const field = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  return typeof value === 'string' ? value : '';
};

signInRoutes.get('/login', (c) => {
  const next = c.req.query('next');
  return c.html(<LoginPage ui={uiOf(c, null)} next={isConsolePath(next) ? next : undefined} />);
});

signInRoutes.post('/login', async (c) => {
  const body = await formOf(c);
  const email = field(body, 'email');
  const next = field(body, 'next');
  const ui = uiOf(c, null);
  try {
    const session = await signIn(c.env, {
      email,
      password: field(body, 'password'),
      address: c.req.header('cf-connecting-ip') ?? '',
    });
    startSession(c, session.token, session.expiresAt);
    return c.redirect(isConsolePath(next) ? next : '/console', 303);
  } catch (err) {
    if (!(err instanceof AppError) || (err.status !== 401 && err.status !== 429)) throw err;
    const t = m[ui.lang];
    const retryAfterSec = Number(err.headers?.['Retry-After'] ?? err.headers?.['retry-after'] ?? 60);
    const problem =
      err.status === 429 ? t.rate_limited(Math.max(1, Math.ceil(retryAfterSec / 60))) : t.invalid_credentials;
    const page = <LoginPage ui={ui} email={email} next={isConsolePath(next) ? next : undefined} problem={problem} />;
    if (err.status === 429) c.header('Retry-After', String(retryAfterSec));
    return c.html(page, err.status);
  }
});

signInRoutes.get('/invite/:token', async (c) => {
  const ui = uiOf(c, null);
  const invitation = await invitationOf(c.env, c.req.param('token'));
  if (invitation === null) return c.html(<ProblemPage ui={ui} status={404} message="" />, 404);
  return c.html(<InvitePage ui={ui} token={c.req.param('token')} email={invitation.email} />);
});

signInRoutes.post('/invite/:token', async (c) => {
  const ui = uiOf(c, null);
  const token = c.req.param('token');
  const body = await formOf(c);
  try {
    const session = await acceptInvite(c.env, token, field(body, 'password'));
    startSession(c, session.token, session.expiresAt);
    return c.redirect('/console', 303);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // A password refused keeps the invitation open: the form again, saying why.
    const problem = err.code === 'weak_password' ? 'weak_password' : err.status === 400 ? 'too_long' : null;
    const invitation = problem === null ? null : await invitationOf(c.env, token);
    if (problem !== null && invitation !== null) {
      const page = <InvitePage ui={ui} token={token} email={invitation.email} problem={m[ui.lang][problem]} />;
      return c.html(page, 400);
    }
    if (err.status !== 404) throw err;
    return c.html(<ProblemPage ui={ui} status={404} message="" />, 404);
  }
});

// A one-time link printed by `npm start` for the demo users: one click and the newcomer is in.
signInRoutes.get('/sign-in/:token', async (c) => {
  try {
    const session = await signInWithLink(c.env, c.req.param('token'));
    startSession(c, session.token, session.expiresAt);
    return c.redirect('/console', 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 404) throw err;
    return c.html(<ProblemPage ui={uiOf(c, null)} status={404} message="" />, 404);
  }
});

signInRoutes.post('/logout', requireSession, async (c) => {
  await signOut(c.env, sessionTokenOf(c));
  endSessionCookie(c);
  return c.redirect('/console/login', 303);
});
