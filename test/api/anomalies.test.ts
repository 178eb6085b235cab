import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { recordAnomalies } from '../../src/db/anomalies';
import { dbOf } from '../../src/db/client';
import { newId } from '../../src/domain/ids';
import { createKey, createPartner } from '../support/builders';
import { api } from '../support/http';

async function flag(partnerId: string, kind: string, subjectId = newId('cnv')) {
  const id = newId('anm');
  await recordAnomalies(dbOf(env), [
    { id, partnerId, kind, subjectId, conversionId: subjectId, clickId: null, details: { why: kind } },
  ]);
  return id;
}

describe('GET /api/v1/anomalies', () => {
  it('lists flags newest first, by partner, kind and resolution', async () => {
    const p = await createPartner();
    const a = await flag(p.id, 'fast_conversion');
    const b = await flag(p.id, 'amount_outlier');
    const all = await api('GET', `/api/v1/anomalies?partnerId=${p.id}`, { expect: 200 });
    expect(all.body.data.map((x: { id: string }) => x.id)).toEqual([b, a]);
    const kind = await api('GET', `/api/v1/anomalies?partnerId=${p.id}&kind=fast_conversion`, { expect: 200 });
    expect(kind.body.data.map((x: { id: string }) => x.id)).toEqual([a]);
    await api('PATCH', `/api/v1/anomalies/${a}`, { body: { resolved: true }, expect: 200 });
    const open = await api('GET', `/api/v1/anomalies?partnerId=${p.id}&resolved=false`, { expect: 200 });
    expect(open.body.data.map((x: { id: string }) => x.id)).toEqual([b]);
    const done = await api('GET', `/api/v1/anomalies?partnerId=${p.id}&resolved=true`, { expect: 200 });
    expect(done.body.data.map((x: { id: string }) => x.id)).toEqual([a]);
  });

  it('records a flag once per kind and subject', async () => {
    const p = await createPartner();
    const subject = newId('cnv');
    await flag(p.id, 'bot_click', subject);
    await flag(p.id, 'bot_click', subject);
    expect((await api('GET', `/api/v1/anomalies?partnerId=${p.id}`, { expect: 200 })).body.data).toHaveLength(1);
  });
});

describe('PATCH /api/v1/anomalies/:id', () => {
  it('resolves a flag, keeps the first resolution time, and can open it again', async () => {
    const p = await createPartner();
    const id = await flag(p.id, 'click_reused');
    const resolved = await api('PATCH', `/api/v1/anomalies/${id}`, { body: { resolved: true }, expect: 200 });
    expect(resolved.body).toMatchObject({ id, resolved: true, details: { why: 'click_reused' } });
    const again = await api('PATCH', `/api/v1/anomalies/${id}`, { body: { resolved: true }, expect: 200 });
    expect(again.body.resolvedAt).toBe(resolved.body.resolvedAt);
    const reopened = await api('PATCH', `/api/v1/anomalies/${id}`, { body: { resolved: false }, expect: 200 });
    expect(reopened.body).toMatchObject({ resolved: false, resolvedAt: null });
    expect((await api('GET', `/api/v1/anomalies/${id}`, { expect: 200 })).body.resolved).toBe(false);
  });

  it('refuses a partner key, a bad body and an unknown id', async () => {
    const p = await createPartner();
    const id = await flag(p.id, 'fast_conversion');
    const key = await createKey('partner', p.id);
    expect((await api('PATCH', `/api/v1/anomalies/${id}`, { key: key.key, body: { resolved: true } })).status).toBe(
      403,
    );
    expect((await api('PATCH', `/api/v1/anomalies/${id}`, { body: { resolved: 'yes' } })).status).toBe(400);
    expect((await api('PATCH', '/api/v1/anomalies/anm_nope', { body: { resolved: true } })).status).toBe(404);
  });
});
