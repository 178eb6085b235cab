// Console sign-in: invitations accepted once, passwords checked and rate-limited, sessions that end when they must.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/http/errors';
import {
  acceptInvite,
  invitationOf,
  SESSION_TTL_MS,
  sessionOf,
  signIn,
  signInWithLink,
  signOut,
} from '../../src/services/console-sessions';
import { consoleUser, issueSignInLink, removeUser } from '../../src/services/console-users';
import { createPartner, inviteUser, tokenOf, uniqueEmail } from '../support/builders';
import { newClientIp } from '../support/client-ip';
import { api, ORIGIN } from '../support/http';

const PASSWORD = 'correct horse battery';
const DAY_MS = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The AppError a promise fails with. */
async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** A person invited and signed up (invitation accepted with PASSWORD), and the session that opened. */
async function member(overrides: Record<string, unknown> = {}) {
  const invited = await inviteUser(overrides);
  return { ...invited, session: await acceptInvite(env, tokenOf(invited.inviteUrl), PASSWORD) };
}

const attempt = (email: string, password: string, address = newClientIp()) => signIn(env, { email, password, address });

/** Calls of PBKDF2 from now on, and the iterations of each. */
function watchPbkdf2() {
  const spy = vi.spyOn(crypto.subtle, 'deriveBits');
  return () => spy.mock.calls.map(([params]) => (params as { iterations: number }).iterations);
}

const sessionRow = (userId: string) =>
  env.DB.prepare('SELECT last_seen_at FROM console_sessions WHERE user_id = ?')
    .bind(userId)
    .first<{ last_seen_at: number }>();

describe('invitationOf', () => {
  it('names the email of a live invitation', async () => {
    const user = await inviteUser();
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toEqual({ email: user.email });
  });

  it('is null for a token it never gave, however it looks', async () => {
    for (const token of ['', 'nope', 'x'.repeat(43), 'x'.repeat(5_000)]) {
      expect(await invitationOf(env, token)).toBeNull();
    }
  });

  it('is null once the invitation is accepted', async () => {
    const user = await member();
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toBeNull();
  });

  it('lasts 7 days', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await inviteUser();
    const sentAt = Date.now();
    vi.setSystemTime(sentAt + 7 * DAY_MS - 60_000);
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toEqual({ email: user.email });
    vi.setSystemTime(sentAt + 7 * DAY_MS + 1_000);
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toBeNull();
  });

  it('is null for a partner user whose partner was deleted', async () => {
    const partner = await createPartner();
    const user = await inviteUser({ partnerId: partner.id });
    await api('DELETE', `/api/v1/partners/${partner.id}`, { expect: 204 });
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toBeNull();
  });
});

describe('acceptInvite', () => {
  it('sets the password and opens a session of 7 days', async () => {
    const user = await inviteUser();
    vi.useFakeTimers({ toFake: ['Date'] });
    const opened = await acceptInvite(env, tokenOf(user.inviteUrl), PASSWORD);
    expect(opened).toEqual({
      token: expect.stringMatching(/^[\w-]{43}$/),
      user: { id: user.id, email: user.email, role: 'admin', partnerId: null },
      expiresAt: new Date(Date.now() + 7 * DAY_MS),
    });
    expect(SESSION_TTL_MS).toBe(7 * DAY_MS);
    expect(await sessionOf(env, opened.token)).toMatchObject({ user: opened.user, scope: { partnerId: null } });
    expect(await consoleUser(env, user.id)).toMatchObject({ status: 'active', lastSignInAt: expect.any(Date) });
    expect((await attempt(user.email, PASSWORD)).user).toEqual(opened.user);
  });

  it('works once', async () => {
    const user = await inviteUser();
    await acceptInvite(env, tokenOf(user.inviteUrl), PASSWORD);
    const err = await errorOf(acceptInvite(env, tokenOf(user.inviteUrl), 'another long password'));
    expect(err.status).toBe(404);
    expect(err.code).toBe('invite_not_found');
    expect((await attempt(user.email, PASSWORD)).user.id).toBe(user.id);
  });

  it('works once even when accepted twice at the same time', async () => {
    const user = await inviteUser();
    const token = tokenOf(user.inviteUrl);
    const results = await Promise.allSettled([
      acceptInvite(env, token, 'first long password'),
      acceptInvite(env, token, 'second long password'),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as AppError).code)).toEqual(['invite_not_found']);
    const sessions = await env.DB.prepare('SELECT COUNT(*) AS n FROM console_sessions WHERE user_id = ?')
      .bind(user.id)
      .first<{ n: number }>();
    expect(sessions?.n).toBe(1);
  });

  it('refuses a password under 12 characters (400 weak_password) and keeps the invitation', async () => {
    const user = await inviteUser();
    const err = await errorOf(acceptInvite(env, tokenOf(user.inviteUrl), 'elevenchars'));
    expect(err.status).toBe(400);
    expect(err.code).toBe('weak_password');
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toEqual({ email: user.email });
    await acceptInvite(env, tokenOf(user.inviteUrl), 'twelve chars');
  });

  it('refuses a password over 256 characters (400)', async () => {
    const user = await inviteUser();
    const err = await errorOf(acceptInvite(env, tokenOf(user.inviteUrl), 'a'.repeat(257)));
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request');
  });

  it('answers 404 invite_not_found for an unknown or expired invitation', async () => {
    expect((await errorOf(acceptInvite(env, 'nope', PASSWORD))).code).toBe('invite_not_found');
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await inviteUser();
    vi.setSystemTime(Date.now() + 7 * DAY_MS + 1_000);
    const err = await errorOf(acceptInvite(env, tokenOf(user.inviteUrl), PASSWORD));
    expect(err.status).toBe(404);
    expect(err.code).toBe('invite_not_found');
  });

  it('through a new invitation, replaces the password and ends the sessions opened with the old one', async () => {
    const user = await member();
    const other = await attempt(user.email, PASSWORD);
    const again = await api('POST', `/api/v1/users/${user.id}/invitations`, { expect: 201 });
    const opened = await acceptInvite(env, tokenOf(again.body.inviteUrl), 'a brand new passphrase');
    expect(await sessionOf(env, user.session.token)).toBeNull();
    expect(await sessionOf(env, other.token)).toBeNull();
    expect(await sessionOf(env, opened.token)).not.toBeNull();
    expect((await errorOf(attempt(user.email, PASSWORD))).code).toBe('invalid_credentials');
    expect((await attempt(user.email, 'a brand new passphrase')).user.id).toBe(user.id);
  });
});

describe('signIn', () => {
  it('opens a session for the right password, the email typed in any case', async () => {
    const user = await member();
    const opened = await attempt(`  ${user.email.toUpperCase()} `, PASSWORD);
    expect(opened.user).toEqual({ id: user.id, email: user.email, role: 'admin', partnerId: null });
    expect(opened.token).not.toBe(user.session.token);
    expect(await sessionOf(env, opened.token)).toMatchObject({ user: opened.user });
  });

  it('gives the same 401 to an unknown email, a person without a password yet and a wrong password', async () => {
    const user = await member();
    const invited = await inviteUser();
    const errors = [
      await errorOf(attempt(uniqueEmail('nobody'), PASSWORD)),
      await errorOf(attempt(invited.email, PASSWORD)),
      await errorOf(attempt(user.email, 'wrong horse battery')),
    ];
    for (const err of errors) {
      expect(err.status).toBe(401);
      expect(err.toBody()).toEqual({
        error: { code: 'invalid_credentials', message: 'This email and password do not match.' },
      });
      expect(err.headers).toBeUndefined();
    }
  });

  it('spends the same PBKDF2 work on an unknown email as on a wrong password', async () => {
    const user = await member();
    const invited = await inviteUser();
    const iterations = watchPbkdf2();
    await errorOf(attempt(uniqueEmail('nobody'), PASSWORD));
    await errorOf(attempt(invited.email, PASSWORD));
    await errorOf(attempt(user.email, 'wrong horse battery'));
    expect(iterations()).toEqual([100_000, 100_000, 100_000]);
  });

  it('answers the 6th failure on one account 429 with Retry-After, even with the right password, unverified', async () => {
    const user = await member();
    for (let i = 0; i < 5; i++) {
      expect((await errorOf(attempt(user.email, `wrong password ${i}`))).code).toBe('invalid_credentials');
    }
    const iterations = watchPbkdf2();
    const err = await errorOf(attempt(user.email, PASSWORD));
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limited');
    const retryAfterSec = Number(err.headers?.['Retry-After']);
    // One failure more is allowed every 3 minutes (5 per 15).
    expect(retryAfterSec).toBeGreaterThan(170);
    expect(retryAfterSec).toBeLessThanOrEqual(180);
    expect(iterations()).toEqual([]);
    // Its sessions are left alone: only new sign-ins wait.
    expect(await sessionOf(env, user.session.token)).not.toBeNull();
  });

  it('counts an account’s failures whatever address they come from', async () => {
    const user = await member();
    for (let i = 0; i < 5; i++) await errorOf(attempt(user.email, `wrong password ${i}`, newClientIp()));
    expect((await errorOf(attempt(user.email, PASSWORD, newClientIp()))).code).toBe('rate_limited');
  });

  it('counts an unknown email’s failures too, as for a known one', async () => {
    const email = uniqueEmail('nobody');
    for (let i = 0; i < 5; i++) expect((await errorOf(attempt(email, PASSWORD))).code).toBe('invalid_credentials');
    expect((await errorOf(attempt(email, PASSWORD))).code).toBe('rate_limited');
  });

  it('does not count sign-ins that succeed', async () => {
    const user = await member();
    const address = newClientIp();
    for (let i = 0; i < 25; i++) await attempt(user.email, PASSWORD, address);
    for (let i = 0; i < 4; i++) await errorOf(attempt(user.email, `wrong password ${i}`, address));
    expect((await attempt(user.email, PASSWORD, address)).user.id).toBe(user.id);
  });

  it('refuses an address after 20 failures, whichever accounts they were on', async () => {
    const user = await member();
    const address = newClientIp();
    for (let i = 0; i < 20; i++) {
      expect((await errorOf(attempt(uniqueEmail('spray'), PASSWORD, address))).code).toBe('invalid_credentials');
    }
    const err = await errorOf(attempt(user.email, PASSWORD, address));
    expect(err.code).toBe('rate_limited');
    expect(Number(err.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect((await attempt(user.email, PASSWORD, newClientIp())).user.id).toBe(user.id);
  });

  it('counts an IPv6 client by its /64, whichever of its addresses it sends from', async () => {
    const user = await member();
    const network = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    for (let i = 0; i < 20; i++) {
      const from = `${network}:${(i + 1).toString(16)}::1`;
      expect((await errorOf(attempt(uniqueEmail('spray'), PASSWORD, from))).code).toBe('invalid_credentials');
    }
    expect((await errorOf(attempt(user.email, PASSWORD, `${network}:abcd::99`))).code).toBe('rate_limited');
  });

  it('charges an address nothing for attempts refused on a locked account', async () => {
    const locked = await member();
    const other = await member();
    const address = newClientIp();
    for (let i = 0; i < 5; i++) await errorOf(attempt(locked.email, `wrong password ${i}`, newClientIp()));
    for (let i = 0; i < 25; i++)
      expect((await errorOf(attempt(locked.email, PASSWORD, address))).code).toBe('rate_limited');
    expect((await attempt(other.email, PASSWORD, address)).user.id).toBe(other.id);
  });

  it('answers 403 to a partner user whose partnership has ended', async () => {
    const partner = await createPartner();
    const user = await member({ partnerId: partner.id });
    await api('PATCH', `/api/v1/partners/${partner.id}`, { body: { status: 'ended' }, expect: 200 });
    const err = await errorOf(attempt(user.email, PASSWORD));
    expect(err.status).toBe(403);
  });
});

describe('signInWithLink', () => {
  it('opens a session once', async () => {
    const user = await inviteUser();
    const { signInUrl } = await issueSignInLink(env, user.id, ORIGIN);
    expect(signInUrl).toMatch(new RegExp(`^${ORIGIN.replaceAll('.', '\\.')}/console/sign-in/[\\w-]{43}$`));
    const opened = await signInWithLink(env, tokenOf(signInUrl));
    expect(opened.user.id).toBe(user.id);
    expect(await sessionOf(env, opened.token)).not.toBeNull();
    const err = await errorOf(signInWithLink(env, tokenOf(signInUrl)));
    expect(err.status).toBe(404);
    expect(err.code).toBe('link_not_found');
  });

  it('works for an hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await inviteUser();
    const first = await issueSignInLink(env, user.id, ORIGIN);
    vi.setSystemTime(Date.now() + 60 * 60_000 + 1_000);
    expect((await errorOf(signInWithLink(env, tokenOf(first.signInUrl)))).code).toBe('link_not_found');
    const second = await issueSignInLink(env, user.id, ORIGIN);
    vi.setSystemTime(Date.now() + 59 * 60_000);
    expect((await signInWithLink(env, tokenOf(second.signInUrl))).user.id).toBe(user.id);
  });

  it('takes no invitation, and an invitation takes no sign-in link', async () => {
    const user = await inviteUser();
    const { signInUrl } = await issueSignInLink(env, user.id, ORIGIN);
    expect((await errorOf(signInWithLink(env, tokenOf(user.inviteUrl)))).code).toBe('link_not_found');
    expect(await invitationOf(env, tokenOf(signInUrl))).toBeNull();
    expect((await errorOf(acceptInvite(env, tokenOf(signInUrl), PASSWORD))).code).toBe('invite_not_found');
  });
});

describe('sessionOf', () => {
  it('is null without a token or for one it never gave', async () => {
    for (const token of [undefined, '', 'nope', 'x'.repeat(43), 'x'.repeat(5_000)]) {
      expect(await sessionOf(env, token)).toBeNull();
    }
  });

  it('names the user, what it may see, and a CSRF token stable for the session', async () => {
    const admin = await member();
    const partner = await createPartner();
    const partnerUser = await member({ partnerId: partner.id });
    const adminSession = await sessionOf(env, admin.session.token);
    expect(adminSession).toEqual({
      user: { id: admin.id, email: admin.email, role: 'admin', partnerId: null },
      scope: { partnerId: null },
      csrfToken: expect.stringMatching(/^[\w-]{32}$/),
      expiresAt: admin.session.expiresAt,
    });
    expect((await sessionOf(env, admin.session.token))?.csrfToken).toBe(adminSession?.csrfToken);
    expect(adminSession?.csrfToken).not.toBe(admin.session.token);
    const other = await sessionOf(env, (await attempt(admin.email, PASSWORD)).token);
    expect(other?.csrfToken).not.toBe(adminSession?.csrfToken);
    expect(await sessionOf(env, partnerUser.session.token)).toMatchObject({
      user: { role: 'partner', partnerId: partner.id },
      scope: { partnerId: partner.id },
    });
  });

  it('is null once the session has lasted 7 days', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await member();
    const openedAt = Date.now();
    vi.setSystemTime(openedAt + 7 * DAY_MS - 1_000);
    expect(await sessionOf(env, user.session.token)).not.toBeNull();
    vi.setSystemTime(openedAt + 7 * DAY_MS);
    expect(await sessionOf(env, user.session.token)).toBeNull();
  });

  it('is null once the user is removed', async () => {
    const user = await member();
    await removeUser(env, user.id);
    expect(await sessionOf(env, user.session.token)).toBeNull();
  });

  it('is null for a partner user whose partner was deleted or ended, as that partner’s keys', async () => {
    const deleted = await createPartner();
    const ended = await createPartner();
    const paused = await createPartner();
    const [a, b, c] = [
      await member({ partnerId: deleted.id }),
      await member({ partnerId: ended.id }),
      await member({ partnerId: paused.id }),
    ];
    await api('DELETE', `/api/v1/partners/${deleted.id}`, { expect: 204 });
    await api('PATCH', `/api/v1/partners/${ended.id}`, { body: { status: 'ended' }, expect: 200 });
    await api('PATCH', `/api/v1/partners/${paused.id}`, { body: { status: 'paused' }, expect: 200 });
    expect(await sessionOf(env, a.session.token)).toBeNull();
    expect(await sessionOf(env, b.session.token)).toBeNull();
    expect(await sessionOf(env, c.session.token)).not.toBeNull();
  });

  it('writes when the session was last seen at most once a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await member();
    const openedAt = (await sessionRow(user.id))?.last_seen_at as number;
    vi.setSystemTime(openedAt + 59_000);
    await sessionOf(env, user.session.token);
    expect((await sessionRow(user.id))?.last_seen_at).toBe(openedAt);
    vi.setSystemTime(openedAt + 61_000);
    await sessionOf(env, user.session.token);
    expect((await sessionRow(user.id))?.last_seen_at).toBe(openedAt + 61_000);
  });
});

describe('signOut', () => {
  it('ends that session only', async () => {
    const user = await member();
    const other = await attempt(user.email, PASSWORD);
    await signOut(env, user.session.token);
    expect(await sessionOf(env, user.session.token)).toBeNull();
    expect(await sessionOf(env, other.token)).not.toBeNull();
  });

  it('does nothing without a session', async () => {
    await signOut(env, undefined);
    await signOut(env, 'nope');
  });
});
