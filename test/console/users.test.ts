// The users page: inviting someone (the link shown once), the people listed, new invitations, removal.
import { describe, expect, it } from 'vitest';
import { createPartner } from '../support/builders';
import { browse, cookieFrom, page, type Signed, signedIn, submit } from '../support/console';
import { rowsOf } from '../support/console-html';

const PASSWORD = 'correct horse battery staple';
const email = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@people.test`;

/** The invitation link the page shows, from its copy button. */
function inviteLinkOf(html: string): string {
  const url = /data-copy="(https:\/\/relais\.test\/console\/invite\/[^"]+)"/.exec(html)?.[1];
  if (!url) throw new Error('the page shows no invitation link');
  return url;
}

/** Invites `address` through the form and answers the page and the invitation link it shows. */
async function invite(admin: Signed, fields: Record<string, string>) {
  const res = await submit(admin, '/console/users', fields);
  expect(res.status).toBe(200);
  const html = await res.text();
  return { html, url: inviteLinkOf(html) };
}

/** The person opens the link and chooses a password: their session cookie. */
async function accept(url: string) {
  const path = new URL(url).pathname;
  expect((await browse(path)).status).toBe(200);
  const res = await browse(path, { form: { password: PASSWORD } });
  expect(res.status).toBe(303);
  return cookieFrom(res, 'relais_session') as string;
}

const rowOf = (html: string, address: string) => rowsOf(html, 'users').find((r) => r[0] === address);

describe('GET /console/users', () => {
  it('has a labelled invitation form and lists the people, the viewer as "You"', async () => {
    const admin = await signedIn({ role: 'admin' });
    const oscaro = await createPartner({ name: 'Oscaro' });
    const html = await page(admin, '/console/users');
    expect(html).toContain('<h1>Users</h1>');
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<label for="role">Role</label>');
    expect(html).toContain('<label for="partner">Partner</label>');
    expect(html).toContain(`<option value="${oscaro.id}">Oscaro</option>`);
    expect(rowsOf(html, 'users')[0]).toEqual(['Email', 'Role', 'Partner', 'Last sign-in', 'Invitation', 'Actions']);
    const me = rowOf(html, admin.email);
    expect(me?.slice(0, 3)).toEqual([admin.email, 'Admin', '']);
    expect(me?.[4]).toBe('Accepted');
    expect(me?.[5]).toBe('Send a new invitation You');
  });
});

describe('POST /console/users', () => {
  it('invites a partner user and shows the link once, with a copy button; the link works once', async () => {
    const admin = await signedIn({ role: 'admin' });
    const oscaro = await createPartner({ name: 'Oscaro' });
    const address = email('anne');
    const { html, url } = await invite(admin, { email: address, role: 'partner', partner: oscaro.id });
    expect(html).toContain(
      `Invitation ready for ${address}. Send them this link: it works once, for 7 days, and is not shown again.`,
    );
    expect(html).toContain(`aria-label="Copy: invitation link for ${address}"`);
    expect(rowOf(html, address)).toEqual([
      address,
      'Partner user',
      'Oscaro',
      'Never',
      'Pending',
      'Send a new invitation Remove',
    ]);
    // Shown on the form's answer only: the list does not show it again.
    expect(await page(admin, '/console/users')).not.toContain(url);

    const cookie = await accept(url);
    expect((await browse(new URL(url).pathname)).status).toBe(404);
    const overview = await browse('/console', { cookie });
    expect(overview.status).toBe(200);
    const after = rowOf(await page(admin, '/console/users'), address);
    expect(after?.[3]).not.toBe('Never');
    expect(after?.[4]).toBe('Accepted');
  });

  it('invites an admin, whatever partner was left chosen', async () => {
    const admin = await signedIn({ role: 'admin' });
    const oscaro = await createPartner({ name: 'Oscaro' });
    const address = email('bob');
    const { html } = await invite(admin, { email: address, role: 'admin', partner: oscaro.id });
    expect(rowOf(html, address)?.slice(0, 3)).toEqual([address, 'Admin', '']);
  });

  it('says next to each field what is wrong, keeping what was typed', async () => {
    const admin = await signedIn({ role: 'admin' });
    const badEmail = await submit(admin, '/console/users', { email: 'not-an-email', role: 'admin' });
    expect(badEmail.status).toBe(400);
    const badEmailHtml = await badEmail.text();
    expect(badEmailHtml).toContain('<p class="hint bad" id="email-error">Not an email address.</p>');
    expect(badEmailHtml).toContain('value="not-an-email"');
    expect(badEmailHtml).not.toContain('/console/invite/');

    const noPartner = await submit(admin, '/console/users', { email: email('carl'), role: 'partner', partner: '' });
    expect(noPartner.status).toBe(400);
    expect(await noPartner.text()).toContain(
      '<p class="hint bad" id="partner-error">A partner user needs a partner.</p>',
    );

    const unknown = await submit(admin, '/console/users', { email: email('dan'), role: 'partner', partner: 'ptn_x' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<p class="hint bad" id="partner-error">No such partner.</p>');

    const taken = await submit(admin, '/console/users', { email: admin.email.toUpperCase(), role: 'admin' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain(
      '<p class="hint bad" id="email-error">Someone already signs in with this email.</p>',
    );
  });
});

describe('POST /console/users/:id/invite', () => {
  it('sends a new invitation after a confirmation; the earlier link stops working', async () => {
    const admin = await signedIn({ role: 'admin' });
    const address = email('eve');
    const first = await invite(admin, { email: address, role: 'admin' });
    const id = /action="\/console\/users\/(usr_\w+)\/invite"/.exec(
      first.html.slice(first.html.indexOf(`<th scope="row">${address}</th>`)),
    )?.[1];
    expect(first.html).toContain(
      `data-confirm="Send a new invitation to ${address}? Their earlier invitation links stop working; with the new one they choose a new password."`,
    );

    const res = await submit(admin, `/console/users/${id}/invite`);
    expect(res.status).toBe(200);
    const again = await res.text();
    const url = inviteLinkOf(again);
    expect(url).not.toBe(first.url);
    expect(again).toContain(`Invitation ready for ${address}.`);
    // The language switch of that answer leads back to the users page.
    expect(again).toContain('href="/console/lang/fr?back=%2Fconsole%2Fusers"');
    expect((await browse(new URL(first.url).pathname)).status).toBe(404);
    await accept(url);
  });

  it('answers 404 for someone who does not exist', async () => {
    const admin = await signedIn({ role: 'admin' });
    expect((await submit(admin, '/console/users/usr_nobody/invite')).status).toBe(404);
  });
});

describe('POST /console/users/:id/remove', () => {
  it('removes the person after a confirmation and ends their session: their next page is the sign-in form', async () => {
    const admin = await signedIn({ role: 'admin' });
    const oscaro = await createPartner({ name: 'Oscaro' });
    const person = await signedIn({ role: 'partner', partnerId: oscaro.id });
    await page(person, '/console/reconciliation');
    const list = await page(admin, '/console/users');
    expect(list).toContain(
      `<form method="post" action="/console/users/${person.userId}/remove" data-confirm="Remove ${person.email}? They are signed out everywhere at once.">`,
    );

    const res = await submit(admin, `/console/users/${person.userId}/remove`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/users?done=removed');
    const after = await page(admin, '/console/users?done=removed');
    expect(after).toContain('User removed and signed out everywhere.');
    expect(rowOf(after, person.email)).toBeUndefined();

    const next = await browse('/console/reconciliation', { cookie: person.cookie });
    expect(next.status).toBe(302);
    expect(next.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Freconciliation');
    expect((await submit(admin, `/console/users/${person.userId}/remove`)).status).toBe(404);
  });

  it('does not let an admin remove itself', async () => {
    const admin = await signedIn({ role: 'admin' });
    const res = await submit(admin, `/console/users/${admin.userId}/remove`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('You cannot remove yourself: ask another admin.');
    await page(admin, '/console/users');
  });
});

describe("a partner's user", () => {
  it('finds no users page and can invite or remove nobody', async () => {
    const oscaro = await createPartner({ name: 'Oscaro' });
    const admin = await signedIn({ role: 'admin' });
    const user = await signedIn({ role: 'partner', partnerId: oscaro.id });
    await page(user, '/console/users', 404);
    const invited = await submit(user, '/console/users', { email: email('mallory'), role: 'admin' });
    expect(invited.status).toBe(404);
    expect((await submit(user, `/console/users/${admin.userId}/invite`)).status).toBe(404);
    expect((await submit(user, `/console/users/${admin.userId}/remove`)).status).toBe(404);
    await page(admin, '/console/users');
  });
});
