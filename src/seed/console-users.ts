// Demo console users of local runs: an admin and a partner user of Autodoc, signed in by one-time links.
import { dbOf } from '../db/client';
import { consoleUserByEmail } from '../db/console-users';
import { getPartnerBySlug } from '../db/partners';
import { createUser, issueSignInLink } from '../services/console-users';

export const DEMO_ADMIN_EMAIL = 'admin@relais.example';
export const DEMO_PARTNER_EMAIL = 'autodoc@relais.example';
/** The demo partner user's partner, a seeded one (src/seed/partners.ts). */
const DEMO_PARTNER_SLUG = 'autodoc';

export type DemoSignIn = { email: string; signInUrl: string };

/** The user of `email`, made when missing (its invitation is never shown: the demo signs in by link). */
async function ensureUser(env: Env, email: string, partnerId: string | null, origin: string): Promise<string> {
  const existing = await consoleUserByEmail(dbOf(env), email);
  if (existing) return existing.id;
  const input = partnerId ? { email, role: 'partner' as const, partnerId } : { email, role: 'admin' as const };
  return (await createUser(env, input, origin)).id;
}

/**
 * Makes the demo admin and the demo partner user of Autodoc when missing, and answers a fresh
 * one-time sign-in link (valid an hour) for each; no partner link when Autodoc is not seeded.
 */
export async function demoSignInLinks(
  env: Env,
  origin: string,
): Promise<{ admin: DemoSignIn; partner: DemoSignIn | null }> {
  const adminId = await ensureUser(env, DEMO_ADMIN_EMAIL, null, origin);
  const admin = { email: DEMO_ADMIN_EMAIL, ...(await issueSignInLink(env, adminId, origin)) };
  const autodoc = await getPartnerBySlug(dbOf(env), DEMO_PARTNER_SLUG);
  if (!autodoc) return { admin, partner: null };
  const partnerUserId = await ensureUser(env, DEMO_PARTNER_EMAIL, autodoc.id, origin);
  return { admin, partner: { email: DEMO_PARTNER_EMAIL, ...(await issueSignInLink(env, partnerUserId, origin)) } };
}
