import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { open } from '../../src/domain/secret-box';
import worker from '../../src/index';
import { createKey, createPartner } from '../support/builders';
import { ADMIN_KEY, api, ORIGIN } from '../support/http';
import {
  AWIN_ADVERTISER,
  awinPartner,
  NETWORK_ORIGIN,
  NETWORK_TOKEN,
  newAccount,
  receivedRequests,
} from '../support/networks';

const patch = (id: string, body: unknown, key?: string) => api('PATCH', `/api/v1/partners/${id}`, { body, key });

async function storedToken(partnerId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT access_token_enc FROM partner_networks WHERE partner_id = ?')
    .bind(partnerId)
    .first<{ access_token_enc: string }>();
  return row?.access_token_enc ?? '';
}

describe('PATCH /api/v1/partners/:id {network}', () => {
  it('connects the partner to Awin and answers the network without its token', async () => {
    const p = await awinPartner();
    const network = {
      type: 'awin',
      publisherId: p.publisherId,
      advertiserId: AWIN_ADVERTISER,
      apiBase: `${NETWORK_ORIGIN}/`,
    };
    expect(p.view.network).toEqual(network);
    expect(p.view.lastSync).toBeNull();
    expect(JSON.stringify(p.view)).not.toContain(NETWORK_TOKEN);
    const read = (await api('GET', `/api/v1/partners/${p.id}`)).body;
    expect(read.network).toEqual(network);
    expect(JSON.stringify(read)).not.toContain(NETWORK_TOKEN);
    const listed = (await api('GET', '/api/v1/partners?limit=500')).body.data;
    expect(JSON.stringify(listed)).not.toContain(NETWORK_TOKEN);
  });

  it('keeps the token sealed with SECRETS_KEY, as signing secrets are', async () => {
    const p = await awinPartner();
    const sealed = await storedToken(p.id);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(NETWORK_TOKEN);
    expect(await open(env.SECRETS_KEY, sealed)).toBe(NETWORK_TOKEN);
  });

  it("names Awin's own API host when no apiBase is given, and takes ids as numbers", async () => {
    const p = await createPartner();
    const { body } = await patch(p.id, { network: { type: 'awin', publisherId: 45628, accessToken: 'tok' } });
    expect(body.network).toEqual({
      type: 'awin',
      publisherId: '45628',
      advertiserId: null,
      apiBase: 'https://api.awin.com',
    });
    // No advertiser, no click URL to build: the template stays as it was.
    expect(body.trackingTemplate).toBeNull();
  });

  it('disconnects the partner with null; a sync is then 409 no_network', async () => {
    const p = await awinPartner();
    const { body } = await patch(p.id, { network: null });
    expect(body.network).toBeNull();
    expect(await storedToken(p.id)).toBe('');
    const sync = await api('POST', `/api/v1/partners/${p.id}/network-sync`, { body: {} });
    expect(sync.status).toBe(409);
    expect(sync.body.error.code).toBe('no_network');
  });

  it.each([
    ['without an accessToken', { type: 'awin', publisherId: '45628' }, ['network', 'accessToken']],
    [
      'with a publisherId that is no account number',
      { type: 'awin', publisherId: 'acme', accessToken: 't' },
      ['network', 'publisherId'],
    ],
    ['with an unknown type', { type: 'cj', publisherId: '1', accessToken: 't' }, ['network', 'type']],
    ['with an unknown field', { type: 'awin', publisherId: '1', accessToken: 't', secret: 'x' }, ['network']],
    [
      'with an apiBase over plain http to a public host',
      { type: 'awin', publisherId: '1', accessToken: 't', apiBase: 'http://api.awin.com' },
      ['network', 'apiBase'],
    ],
    [
      'with an apiBase into a private network',
      { type: 'awin', publisherId: '1', accessToken: 't', apiBase: 'https://10.0.0.1' },
      ['network', 'apiBase'],
    ],
  ])('refuses a network %s with 400', async (_case, network, path) => {
    const p = await createPartner();
    const res = await patch(p.id, { network });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string[] }) => d.path.slice(0, path.length))).toContainEqual(path);
    expect((await api('GET', `/api/v1/partners/${p.id}`)).body.network).toBeNull();
  });

  describe('outside local development', () => {
    /** A call to the Worker as deployed: ENVIRONMENT=production. */
    async function inProduction(method: string, path: string, body: unknown) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }) as Request<unknown, IncomingRequestCfProperties>,
        { ...env, ENVIRONMENT: 'production' },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      // biome-ignore lint/suspicious/noExplicitAny: tests read answers loosely and assert exact values
      return { status: res.status, body: (await res.json()) as any };
    }

    it('refuses an apiBase over plain http, even to a loopback address', async () => {
      const p = await createPartner();
      const network = { type: 'awin', publisherId: newAccount(), accessToken: 't', apiBase: NETWORK_ORIGIN };
      const res = await inProduction('PATCH', `/api/v1/partners/${p.id}`, { network });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toMatchObject([{ path: ['network', 'apiBase'] }]);
      expect((await api('GET', `/api/v1/partners/${p.id}`)).body.network).toBeNull();
    });

    it('does not call a loopback apiBase stored in development', async () => {
      const p = await awinPartner();
      const res = await inProduction('POST', `/api/v1/partners/${p.id}/network-sync`, {});
      expect(res.status).toBe(200);
      expect(res.body.lastSync).toMatchObject({ ok: false, error: expect.stringMatching(/^network\.apiBase /) });
      expect(await receivedRequests(p.publisherId)).toEqual([]);
    });
  });

  it('refuses partner keys: 403 for the change and the sync, and no network in their view', async () => {
    const p = await awinPartner();
    const { key } = await createKey('partner', p.id);
    const network = { type: 'awin', publisherId: newAccount(), accessToken: 'stolen' };
    expect((await patch(p.id, { network }, key)).status).toBe(403);
    expect((await api('POST', `/api/v1/partners/${p.id}/network-sync`, { body: {}, key })).status).toBe(403);
    const own = (await api('GET', `/api/v1/partners/${p.id}`, { key })).body;
    expect(own).not.toHaveProperty('network');
    expect(own).not.toHaveProperty('lastSync');
  });

  it('answers 404 for the sync of a partner that does not exist', async () => {
    const res = await api('POST', '/api/v1/partners/ptn_01JD0000000000000000000000/network-sync', { body: {} });
    expect(res.status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('documents the network settings, the sync and lastSync, with the token write-only', async () => {
    const { body } = await api('GET', '/api/v1/openapi.json', { key: null, expect: 200 });
    const sync = body.paths['/api/v1/partners/{id}/network-sync'].post;
    expect(sync.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/NetworkSyncResult',
    });
    const { schemas } = body.components;
    expect(Object.keys(schemas.NetworkSyncResult.properties)).toEqual([
      'imported',
      'updated',
      'unchanged',
      'failed',
      'lastSync',
    ]);
    expect(Object.keys(schemas.PartnerUpdate.properties)).toContain('network');
    expect(JSON.stringify(schemas.NetworkSettings)).toContain('accessToken');
    expect(Object.keys(schemas.Partner.properties)).toContain('lastSync');
    expect(JSON.stringify(schemas.Partner)).not.toContain('"accessToken":');
    expect(Object.keys(schemas.PartnerPublic.properties)).not.toContain('network');
  });
});
