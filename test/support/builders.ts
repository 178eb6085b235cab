// Small builders: each test makes the data it needs through the public API.
import { api } from './http';

let counter = 0;
/** A slug no other test uses. */
export const uniqueSlug = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export type CreatedPartner = {
  id: string;
  slug: string;
  postbackToken: string;
  signingSecret: string;
  pushSigningSecret: string;
  [k: string]: unknown;
};

export function partnerInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Autodoc',
    slug: uniqueSlug('autodoc'),
    status: 'active',
    integration: 'direct_api',
    category: 'pieces',
    allowedDomains: ['autodoc.fr'],
    commissionRules: [{ category: 'freinage', percent: 10 }, { percent: 8 }],
    ...overrides,
  };
}

export async function createPartner(overrides: Record<string, unknown> = {}): Promise<CreatedPartner> {
  return (await api<CreatedPartner>('POST', '/api/v1/partners', { body: partnerInput(overrides), expect: 201 })).body;
}

export async function createLink(partnerId: string, overrides: Record<string, unknown> = {}) {
  return (
    await api('POST', '/api/v1/links', {
      body: { partnerId, destination: 'https://www.autodoc.fr/freinage', slug: uniqueSlug('lnk'), ...overrides },
      expect: 201,
    })
  ).body;
}

export async function createKey(role: 'admin' | 'partner', partnerId?: string): Promise<{ id: string; key: string }> {
  return (await api('POST', '/api/v1/keys', { body: { role, partnerId }, expect: 201 })).body;
}

/** An email address no other test uses. */
export const uniqueEmail = (name = 'user') => `${uniqueSlug(name)}@example.com`;

export type InvitedUser = { id: string; email: string; role: string; partnerId: string | null; inviteUrl: string };

/** Invites a console user (an admin unless `partnerId` is given) through the API. */
export async function inviteUser(overrides: Record<string, unknown> = {}): Promise<InvitedUser> {
  const body = { email: uniqueEmail(), role: overrides.partnerId ? 'partner' : 'admin', ...overrides };
  return (await api<InvitedUser>('POST', '/api/v1/users', { body, expect: 201 })).body;
}

/** The token at the end of an invitation or sign-in URL. */
export const tokenOf = (url: string) => new URL(url).pathname.split('/').at(-1) as string;
