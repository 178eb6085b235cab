// A partner key lives no longer than its partnership: deleting or ending the partner revokes it.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/domain/hashing';
import { newId } from '../../src/domain/ids';
import { createKey, createPartner } from '../support/builders';
import { api } from '../support/http';

type KeyRow = { id: string; revoked_at: number | null };

const keyRow = (id: string) =>
  env.DB.prepare('SELECT id, revoked_at FROM api_keys WHERE id = ?').bind(id).first<KeyRow>();
const partnerRow = (id: string) =>
  env.DB.prepare('SELECT deleted_at, updated_at FROM partners WHERE id = ?')
    .bind(id)
    .first<{ deleted_at: number | null; updated_at: number }>();

/** A key row written straight to D1, as an older version or a hand-made fix could have left it. */
async function storeKey(role: string, partnerId: string | null): Promise<string> {
  const key = `rl_partner_${crypto.randomUUID().replaceAll('-', '')}`;
  await env.DB.prepare('INSERT INTO api_keys (id, key_hash, prefix, role, partner_id) VALUES (?, ?, ?, ?, ?)')
    .bind(newId('key'), await hashApiKey(env.HASH_KEY, key), key.slice(0, 15), role, partnerId)
    .run();
  return key;
}

describe('partner keys and the partner’s lifecycle', () => {
  it('revokes the keys of a deleted partner, with the deletion', async () => {
    const partner = await createPartner();
    const [a, b] = [await createKey('partner', partner.id), await createKey('partner', partner.id)];
    const other = await createKey('partner', (await createPartner()).id);
    expect((await api('GET', `/api/v1/partners/${partner.id}`, { key: a.key })).status).toBe(200);

    await api('DELETE', `/api/v1/partners/${partner.id}`, { expect: 204 });

    for (const k of [a, b]) {
      const res = await api('GET', '/api/v1/links', { key: k.key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const deletedAt = (await partnerRow(partner.id))?.deleted_at;
    expect(deletedAt).not.toBeNull();
    expect((await keyRow(a.id))?.revoked_at).toBe(deletedAt);
    expect((await keyRow(b.id))?.revoked_at).toBe(deletedAt);
    expect((await keyRow(other.id))?.revoked_at).toBeNull();
    expect((await api('GET', '/api/v1/links', { key: other.key })).status).toBe(200);
  });

  it('revokes the keys of an ended partner, with the change of status', async () => {
    const partner = await createPartner();
    const k = await createKey('partner', partner.id);
    await api('PATCH', `/api/v1/partners/${partner.id}`, { body: { notes: 'renewed' }, expect: 200 });
    expect((await api('GET', '/api/v1/links', { key: k.key })).status).toBe(200);

    await api('PATCH', `/api/v1/partners/${partner.id}`, { body: { status: 'ended' }, expect: 200 });

    expect((await api('GET', '/api/v1/links', { key: k.key })).status).toBe(401);
    expect((await keyRow(k.id))?.revoked_at).toBe((await partnerRow(partner.id))?.updated_at);
    const listed = await api('GET', '/api/v1/keys?limit=500', { expect: 200 });
    expect(listed.body.data.find((r: { id: string }) => r.id === k.id).revokedAt).not.toBeNull();
  });

  it('keeps the keys of a partner paused, or changed otherwise', async () => {
    const partner = await createPartner();
    const k = await createKey('partner', partner.id);
    await api('PATCH', `/api/v1/partners/${partner.id}`, { body: { status: 'paused' }, expect: 200 });
    expect((await api('GET', '/api/v1/links', { key: k.key })).status).toBe(200);
    expect((await keyRow(k.id))?.revoked_at).toBeNull();
  });

  it('refuses a key of a partner deleted without its keys revoked (401)', async () => {
    const partner = await createPartner();
    const key = await storeKey('partner', partner.id);
    expect((await api('GET', '/api/v1/links', { key })).status).toBe(200);
    await env.DB.prepare('UPDATE partners SET deleted_at = ? WHERE id = ?').bind(Date.now(), partner.id).run();
    const res = await api('GET', '/api/v1/links', { key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('refuses a partner key without a partner id, never treating it as an admin key (401)', async () => {
    const key = await storeKey('partner', null);
    for (const [method, path] of [
      ['GET', '/api/v1/partners'],
      ['GET', '/api/v1/keys'],
      ['POST', '/api/v1/keys'],
    ] as const) {
      const res = await api(method, path, { key, body: method === 'POST' ? { role: 'admin' } : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('issues no key for a deleted or ended partner', async () => {
    const deleted = await createPartner();
    await api('DELETE', `/api/v1/partners/${deleted.id}`, { expect: 204 });
    const ended = await createPartner({ status: 'ended' });
    for (const partnerId of [deleted.id, ended.id]) {
      const res = await api('POST', '/api/v1/keys', { body: { role: 'partner', partnerId } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: ['partnerId'] })]);
    }
  });
});
