// Console users through the API: invited by an admin, listed without secrets, invited again, removed.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { acceptInvite, invitationOf, sessionOf, signIn } from '../../src/services/console-sessions';
import { createKey, createPartner, inviteUser, tokenOf, uniqueEmail } from '../support/builders';
import { newClientIp } from '../support/client-ip';
import { ADMIN_KEY, api, ORIGIN } from '../support/http';

const PASSWORD = 'correct horse battery';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INVITE_URL = new RegExp(`^${ORIGIN.replaceAll('.', '\\.')}/console/invite/[\\w-]{43}$`);

describe('POST /api/v1/users', () => {
  it('invites an admin: stored without a password, with an invitation link shown once', async () => {
    const email = uniqueEmail('anne');
    const res = await api('POST', '/api/v1/users', { body: { email, role: 'admin' }, expect: 201 });
    expect(res.body).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Z]{26}$/),
      email,
      role: 'admin',
      partnerId: null,
      status: 'invited',
      createdAt: expect.stringMatching(ISO_INSTANT),
      lastSignInAt: null,
      inviteUrl: expect.stringMatching(INVITE_URL),
    });
    expect(await invitationOf(env, tokenOf(res.body.inviteUrl))).toEqual({ email });
  });

  it('invites a partner user of a live partner', async () => {
    const partner = await createPartner();
    const res = await api('POST', '/api/v1/users', {
      body: { email: uniqueEmail(), role: 'partner', partnerId: partner.id },
      expect: 201,
    });
    expect(res.body).toMatchObject({ role: 'partner', partnerId: partner.id, status: 'invited' });
  });

  it('keeps the email lower-cased, so that one address is one person whatever its case', async () => {
    const email = uniqueEmail('Anne.Martin');
    const res = await api('POST', '/api/v1/users', { body: { email, role: 'admin' }, expect: 201 });
    expect(res.body.email).toBe(email.toLowerCase());
    const again = await api('POST', '/api/v1/users', { body: { email: email.toUpperCase(), role: 'admin' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'email_in_use',
      message: `A console user with the email ${email.toLowerCase()} already exists.`,
    });
  });

  it('answers invitation links on the origin the request came to', async () => {
    const res = await exports.default.fetch(
      new Request('http://127.0.0.1:8787/api/v1/users', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: uniqueEmail(), role: 'admin' }),
      }),
    );
    expect(res.status).toBe(201);
    expect(((await res.json()) as { inviteUrl: string }).inviteUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:8787\/console\/invite\/[\w-]{43}$/,
    );
  });

  it('refuses a partner user without partnerId and an admin with one (400)', async () => {
    const partner = await createPartner();
    for (const body of [
      { email: uniqueEmail(), role: 'partner' },
      { email: uniqueEmail(), role: 'admin', partnerId: partner.id },
    ]) {
      const res = await api('POST', '/api/v1/users', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: ['partnerId'] }));
    }
  });

  it('answers 404 for a partner that does not exist or was deleted', async () => {
    const deleted = await createPartner();
    await api('DELETE', `/api/v1/partners/${deleted.id}`, { expect: 204 });
    for (const partnerId of ['ptn_nope', deleted.id]) {
      const res = await api('POST', '/api/v1/users', { body: { email: uniqueEmail(), role: 'partner', partnerId } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('refuses a partner user of an ended partnership (400), who could never sign in', async () => {
    const partner = await createPartner({ status: 'ended' });
    const res = await api('POST', '/api/v1/users', {
      body: { email: uniqueEmail(), role: 'partner', partnerId: partner.id },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: ['partnerId'] }]);
  });

  it('refuses what is not an email, an unknown role and unknown fields (400)', async () => {
    for (const body of [
      { email: 'not-an-email', role: 'admin' },
      { email: ' spaced@example.com ', role: 'admin' },
      { email: uniqueEmail(), role: 'owner' },
      { email: uniqueEmail(), role: 'admin', password: PASSWORD },
      { role: 'admin' },
    ]) {
      const res = await api('POST', '/api/v1/users', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});

describe('GET /api/v1/users', () => {
  it('lists people newest first, page by page, with whether they accepted their invitation', async () => {
    const a = await inviteUser();
    const b = await inviteUser();
    const c = await inviteUser();
    await acceptInvite(env, tokenOf(b.inviteUrl), PASSWORD);
    const first = await api('GET', '/api/v1/users?limit=2', { expect: 200 });
    expect(first.body.data.map((u: { id: string }) => u.id)).toEqual([c.id, b.id]);
    expect(first.body.data[1]).toMatchObject({ status: 'active', lastSignInAt: expect.stringMatching(ISO_INSTANT) });
    const second = await api('GET', `/api/v1/users?limit=2&cursor=${first.body.nextCursor}`, { expect: 200 });
    expect(second.body.data[0]).toMatchObject({ id: a.id, status: 'invited', lastSignInAt: null });
  });

  it('never shows a password hash or an invitation', async () => {
    const user = await inviteUser();
    await acceptInvite(env, tokenOf(user.inviteUrl), PASSWORD);
    const res = await api('GET', '/api/v1/users?limit=500', { expect: 200 });
    const listed = res.body.data.find((u: { id: string }) => u.id === user.id);
    expect(Object.keys(listed).sort()).toEqual([
      'createdAt',
      'email',
      'id',
      'lastSignInAt',
      'partnerId',
      'role',
      'status',
    ]);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('pbkdf2');
    expect(text).not.toContain('inviteUrl');
    expect(text).not.toContain(tokenOf(user.inviteUrl));
  });
});

describe('DELETE /api/v1/users/:id', () => {
  it('removes the person and signs them out everywhere', async () => {
    const user = await inviteUser();
    const phone = await acceptInvite(env, tokenOf(user.inviteUrl), PASSWORD);
    const laptop = await signIn(env, { email: user.email, password: PASSWORD, address: newClientIp() });
    expect(await sessionOf(env, phone.token)).not.toBeNull();
    expect(await sessionOf(env, laptop.token)).not.toBeNull();

    await api('DELETE', `/api/v1/users/${user.id}`, { expect: 204 });

    expect(await sessionOf(env, phone.token)).toBeNull();
    expect(await sessionOf(env, laptop.token)).toBeNull();
    const listed = await api('GET', '/api/v1/users?limit=500', { expect: 200 });
    expect(listed.body.data.map((u: { id: string }) => u.id)).not.toContain(user.id);
  });

  it('ends the invitations of the person removed', async () => {
    const user = await inviteUser();
    await api('DELETE', `/api/v1/users/${user.id}`, { expect: 204 });
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toBeNull();
  });

  it('answers 404 for someone unknown or already removed', async () => {
    const user = await inviteUser();
    await api('DELETE', `/api/v1/users/${user.id}`, { expect: 204 });
    for (const id of [user.id, 'usr_nope']) {
      const res = await api('DELETE', `/api/v1/users/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('frees the email for a new invitation', async () => {
    const user = await inviteUser();
    await api('DELETE', `/api/v1/users/${user.id}`, { expect: 204 });
    await api('POST', '/api/v1/users', { body: { email: user.email, role: 'admin' }, expect: 201 });
  });
});

describe('POST /api/v1/users/:id/invitations', () => {
  it('answers a fresh invitation; the earlier ones stop working', async () => {
    const user = await inviteUser();
    const res = await api('POST', `/api/v1/users/${user.id}/invitations`, { expect: 201 });
    expect(res.body).toEqual({ inviteUrl: expect.stringMatching(INVITE_URL) });
    expect(res.body.inviteUrl).not.toBe(user.inviteUrl);
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toBeNull();
    expect(await invitationOf(env, tokenOf(res.body.inviteUrl))).toEqual({ email: user.email });
  });

  it('answers 404 for someone unknown', async () => {
    const res = await api('POST', '/api/v1/users/usr_nope/invitations');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('console users and partner keys', () => {
  it('answers 403 to a partner key on every route, reads included', async () => {
    const partner = await createPartner();
    const { key } = await createKey('partner', partner.id);
    const user = await inviteUser({ partnerId: partner.id });
    for (const [method, path, body] of [
      ['GET', '/api/v1/users', undefined],
      ['POST', '/api/v1/users', { email: uniqueEmail(), role: 'partner', partnerId: partner.id }],
      ['DELETE', `/api/v1/users/${user.id}`, undefined],
      ['POST', `/api/v1/users/${user.id}/invitations`, undefined],
    ] as const) {
      const res = await api(method, path, { key, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect(await invitationOf(env, tokenOf(user.inviteUrl))).toEqual({ email: user.email });
  });
});
