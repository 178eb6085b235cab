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
