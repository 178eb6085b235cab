// What a partner key is shown of each resource: its partner-facing schema, never the admin-only fields.
import { beforeAll, describe, expect, it } from 'vitest';
import { postSigned } from '../postback/client';
import { createKey, createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertClick } from '../support/rows';

type Schema = { properties?: Record<string, Schema>; anyOf?: Schema[]; oneOf?: Schema[]; $ref?: string };
type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};

let doc: Doc;
let partner: Awaited<ReturnType<typeof createPartner>>;
let partnerKey: string;
let link: { id: string; partnerId: string };

beforeAll(async () => {
  doc = (await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 })).body;
  partner = await createPartner({
    notes: 'Renegotiate in March; margin is thin.',
    ipAllowlist: ['203.0.113.0/24'],
    postbackParams: { customerId: 'cust' },
  });
  partnerKey = (await createKey('partner', partner.id)).key;
  link = (await createLink(partner.id)) as { id: string; partnerId: string };
});

/** The properties of a component of the document. */
const propertiesOf = (name: string) => Object.keys(doc.components.schemas[name]?.properties ?? {});

/** Component names a route's 200 answer may take, lists' items included. */
function answerSchemas(method: string, path: string): string[] {
  const schema = doc.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
  const names: string[] = [];
  const walk = (s: Schema | undefined) => {
    if (!s) return;
    if (s.$ref) {
      const name = s.$ref.split('/').pop() as string;
      names.push(name);
      walk(doc.components.schemas[name]);
    }
    for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(alt);
    const data = s.properties?.data as (Schema & { items?: Schema }) | undefined;
    if (data?.items) walk(data.items);
  };
  walk(schema);
  return names;
}

describe('partners', () => {
  it('shows a partner key its partner without notes or IP allowlist', async () => {
    const own = await api('GET', `/api/v1/partners/${partner.id}`, { key: partnerKey, expect: 200 });
    expect(own.body).not.toHaveProperty('notes');
    expect(own.body).not.toHaveProperty('ipAllowlist');
    expect(Object.keys(own.body).sort()).toEqual(propertiesOf('PartnerPublic').sort());
    const listed = await api('GET', '/api/v1/partners', { key: partnerKey, expect: 200 });
    expect(Object.keys(listed.body.data[0]).sort()).toEqual(propertiesOf('PartnerPublic').sort());
    expect(JSON.stringify(listed.body)).not.toContain('margin is thin');
  });

  it('shows an admin every field', async () => {
    const admin = await api('GET', `/api/v1/partners/${partner.id}`, { expect: 200 });
    expect(admin.body.notes).toBe('Renegotiate in March; margin is thin.');
    expect(admin.body.ipAllowlist).toEqual(['203.0.113.0/24']);
  });

  it('documents both views', () => {
    expect(propertiesOf('PartnerPublic')).not.toContain('notes');
    expect(propertiesOf('PartnerPublic')).not.toContain('ipAllowlist');
    expect(answerSchemas('get', '/api/v1/partners/{id}')).toEqual(expect.arrayContaining(['Partner', 'PartnerPublic']));
    expect(answerSchemas('get', '/api/v1/partners')).toEqual(expect.arrayContaining(['Partner', 'PartnerPublic']));
  });
});

describe('clicks', () => {
  it('shows a partner key no visitor id, only its pseudonym of it, and no bot reason', async () => {
    const click = await insertClick(link, new Date(Date.now() - 60_000), { isBot: true, botReason: 'headless' });
    const own = await api('GET', `/api/v1/clicks/${click.id}`, { key: partnerKey, expect: 200 });
    expect(own.body.isBot).toBe(true);
    expect(own.body.visitorId).toMatch(/^vp_[A-Za-z0-9_-]{32}$/);
    expect(own.body).not.toHaveProperty('botReason');
    expect(JSON.stringify(own.body)).not.toContain(click.visitorId);
    expect(Object.keys(own.body).sort()).toEqual(propertiesOf('ClickPublic').sort());
    const listed = await api('GET', `/api/v1/clicks?linkId=${link.id}`, { key: partnerKey, expect: 200 });
    expect(JSON.stringify(listed.body)).not.toContain(click.visitorId);
    const admin = await api('GET', `/api/v1/clicks/${click.id}`, { expect: 200 });
    expect(admin.body.visitorId).toBe(click.visitorId);
    expect(answerSchemas('get', '/api/v1/clicks/{id}')).toEqual(expect.arrayContaining(['Click', 'ClickPublic']));
  });
});

describe('referral codes', () => {
  it('shows a partner key no app user reference', async () => {
    const code = (
      await api('POST', '/api/v1/referral-codes', {
        body: { partnerId: partner.id, userRef: 'user-8812' },
        expect: 201,
      })
    ).body;
    const own = await api('GET', `/api/v1/referral-codes/${code.id}`, { key: partnerKey, expect: 200 });
    expect(own.body).not.toHaveProperty('userRef');
    expect(Object.keys(own.body).sort()).toEqual(propertiesOf('ReferralCodePublic').sort());
    const listed = await api('GET', '/api/v1/referral-codes', { key: partnerKey, expect: 200 });
    expect(JSON.stringify(listed.body)).not.toContain('user-8812');
    expect(answerSchemas('get', '/api/v1/referral-codes')).toEqual(
      expect.arrayContaining(['ReferralCode', 'ReferralCodePublic']),
    );
  });
});

describe('postback log', () => {
  it('shows a partner key no hashed identifiers of app users', async () => {
    const res = await postSigned(
      partner.slug,
      partner.signingSecret,
      {
        transactionId: `T-${Date.now()}`,
        amount: '10.00',
        cust: 'customer-42',
        ip: '198.51.100.7',
        userAgent: 'Mozilla/5.0',
      },
      { headers: { 'cf-connecting-ip': '203.0.113.9' } },
    );
    expect(res.status).toBe(200);
    const admin = await api('GET', `/api/v1/postbacks?partnerId=${partner.id}`, { expect: 200 });
    expect(admin.body.data[0].parsed.customerHash).toEqual(expect.any(String));
    const own = await api('GET', '/api/v1/postbacks', { key: partnerKey, expect: 200 });
    const parsed = own.body.data[0].parsed;
    expect(parsed.transactionId).toBe(admin.body.data[0].parsed.transactionId);
    for (const field of ['customerHash', 'fingerprints', 'visitorId']) expect(parsed).not.toHaveProperty(field);
    expect(answerSchemas('get', '/api/v1/postbacks')).toEqual(
      expect.arrayContaining(['PostbackLogEntry', 'PostbackLogEntryPublic']),
    );
  });
});
