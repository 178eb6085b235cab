// Signs a new console user in the way a person does: invited through the API, password chosen on the invitation page.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { api } from './api';

export interface InviteOptions {
  role: 'admin' | 'partner';
  /** The partner a `partner` user belongs to. */
  partnerId?: string;
}

/** The answer of `POST /api/v1/users` (CONTRACT.md, "Console"). */
export interface InvitedUser {
  id: string;
  email: string;
  role: 'admin' | 'partner';
  partnerId: string | null;
  inviteUrl: string;
}

/** 12 characters or more, the console's minimum. */
export const TEST_PASSWORD = 'correct-horse-battery-staple';

/**
 * Invites a user with a unique email, opens the invitation in `context`, chooses the password and
 * expects to land on `/console`, signed in: the context's cookies then carry the session.
 * @example
 * const { page } = await signInThroughInvite(browser.context, { role: 'partner', partnerId });
 */
export async function signInThroughInvite(
  context: BrowserContext,
  { role, partnerId }: InviteOptions,
): Promise<{ page: Page; user: InvitedUser; password: string }> {
  const email = `${role}-${randomUUID()}@example.com`;
  const res = await api('/api/v1/users', { method: 'POST', body: JSON.stringify({ email, role, partnerId }) });
  expect(res.status, await res.clone().text()).toBe(201);
  const user = (await res.json()) as InvitedUser;

  const page = await context.newPage();
  await page.goto(user.inviteUrl);
  // The page speaks the context's language: the field is labelled in one or the other.
  const password = page.getByLabel(/^(Password|Mot de passe)$/);
  await password.fill(TEST_PASSWORD);
  // Enter submits the form as its submit button would, whatever the button is called.
  await password.press('Enter');
  await page.waitForURL((url) => url.pathname === '/console');
  expect(new URL(page.url()).pathname).toBe('/console');
  return { page, user, password: TEST_PASSWORD };
}
