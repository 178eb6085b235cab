import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VISITOR_COOKIE } from '../../src/domain/identity';
import { shardName, shardOf } from '../../src/isolate/click-recorder';
import { ALARM_DELAY_MS } from '../../src/objects/click-buffer';
import { clickIdOf, visitThenBackground } from '../redirect/helpers';
import { createKey, createLink, createPartner } from '../support/builders';
import { api } from '../support/http';
import { insertClick } from '../support/rows';

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /api/v1/clicks', () => {
  it('lists the clicks of a link newest first, with what each recorded', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const older = await insertClick(link, '2026-11-20T10:00:00Z', { country: 'FR', sub1: 'clio' });
    const newer = await insertClick(link, '2026-11-21T10:00:00Z', {
      isBot: true,
      botReason: 'crawler',
      isUnique: false,
      device: 'desktop',
      os: 'Windows',
      browser: 'Chrome',
      referrerHost: 'www.google.com',
      utmSource: 'relais',
      utmMedium: 'affiliate',
      utmCampaign: 'hiver',
      placement: 'diagnostic',
      variant: 'b',
      deepLinkRefused: true,
      uidHash: 'HASHED-USER',
      fingerprint: 'HASHED-FINGERPRINT',
      language: 'fr',
    });
    const res = await api('GET', `/api/v1/clicks?linkId=${link.id}`, { expect: 200 });
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([newer.id, older.id]);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data[0]).toEqual({
      id: newer.id,
      linkId: link.id,
      partnerId: p.id,
      createdAt: '2026-11-21T10:00:00.000Z',
      recordedAt: newer.recordedAt.toISOString(),
      visitorId: newer.visitorId,
      isBot: true,
      botReason: 'crawler',
      unique: false,
      device: 'desktop',
      os: 'Windows',
      browser: 'Chrome',
      country: null,
      language: 'fr',
      referrerHost: 'www.google.com',
      subIds: { sub1: null, sub2: null, sub3: null, sub4: null, sub5: null },
      utm: { source: 'relais', medium: 'affiliate', campaign: 'hiver' },
      placement: 'diagnostic',
      variant: 'b',
      destination: 'https://www.autodoc.fr/freinage',
      deepLinkRefused: true,
      hasUser: true,
      source: 'link',
      referralCode: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('HASHED');
    expect(res.body.data[1]).toMatchObject({ country: 'FR', subIds: { sub1: 'clio' }, isBot: false, unique: true });
  });

  it('filters by partner and by time, a date meaning its whole UTC day', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const other = await createLink((await createPartner()).id);
    const a = await insertClick(link, '2026-11-20T23:59:59Z');
    const b = await insertClick(link, '2026-11-21T00:00:00Z');
    const c = await insertClick(link, '2026-11-21T23:59:59.999Z');
    const d = await insertClick(link, '2026-11-22T00:00:00Z');
    await insertClick(other, '2026-11-21T12:00:00Z');
    const ids = async (q: string) =>
      (await api('GET', `/api/v1/clicks?partnerId=${p.id}&${q}`, { expect: 200 })).body.data.map(
        (x: { id: string }) => x.id,
      );
    expect(await ids('from=2026-11-21&to=2026-11-21')).toEqual([c.id, b.id]);
    expect(await ids('from=2026-11-21T00:00:00Z')).toEqual([d.id, c.id, b.id]);
    expect(await ids('to=2026-11-21T00:00:00Z')).toEqual([b.id, a.id]);
  });

  it('bounds the list of every partner by time too, through the click ids', async () => {
    const link = await createLink((await createPartner()).id);
    const other = await createLink((await createPartner()).id);
    await insertClick(link, '2031-03-09T23:59:59.999Z');
    const a = await insertClick(link, '2031-03-10T00:00:00Z');
    const b = await insertClick(other, '2031-03-10T12:00:00Z');
    const c = await insertClick(link, '2031-03-10T23:59:59.999Z');
    await insertClick(other, '2031-03-11T00:00:00Z');
    const res = await api('GET', '/api/v1/clicks?from=2031-03-10&to=2031-03-10', { expect: 200 });
    expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([c.id, b.id, a.id]);
    const page = await api('GET', '/api/v1/clicks?from=2031-03-10&to=2031-03-10&limit=1', { expect: 200 });
    const next = await api('GET', `/api/v1/clicks?from=2031-03-10&to=2031-03-10&cursor=${page.body.nextCursor}`, {
      expect: 200,
    });
    expect(next.body.data.map((x: { id: string }) => x.id)).toEqual([b.id, a.id]);
  });

  it('pages with a cursor, never skipping nor repeating a click', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await insertClick(link, new Date(Date.UTC(2026, 10, 20, 10, 0, i))));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await api('GET', `/api/v1/clicks?linkId=${link.id}&limit=2${q}`, { expect: 200 });
      seen.push(...res.body.data.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.id).reverse());
  });

  it('refuses a limit over 500 and a cursor it did not give', async () => {
    expect((await api('GET', '/api/v1/clicks?limit=501')).status).toBe(400);
    const res = await api('GET', '/api/v1/clicks?cursor=%25%25');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it("shows a partner key its own partner's clicks only", async () => {
    const p = await createPartner();
    const q = await createPartner();
    const mine = await insertClick(await createLink(p.id), '2026-11-20T10:00:00Z');
    const theirs = await insertClick(await createLink(q.id), '2026-11-20T10:00:00Z');
    const { key } = await createKey('partner', p.id);
    const list = await api('GET', '/api/v1/clicks', { key, expect: 200 });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    expect((await api('GET', `/api/v1/clicks?partnerId=${q.id}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/clicks/${theirs.id}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/clicks/${mine.id}`, { key, expect: 200 })).body.id).toBe(mine.id);
  });

  it('needs a key', async () => {
    expect((await api('GET', '/api/v1/clicks', { key: null })).status).toBe(401);
  });
});

describe('GET /api/v1/clicks/:id', () => {
  it('answers 404 for an unknown click', async () => {
    const res = await api('GET', '/api/v1/clicks/01JDQ7Z8V3K2M4N5P6Q7R8S9T0');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('lists a served click within seconds: the work the redirect leaves running and the alarm it arms are all it takes', async () => {
    const p = await createPartner();
    const link = await createLink(p.id);
    // The clock is faked, years ahead of the real one: the buffer's alarm goes off only when the
    // test runs it, once the test has checked when it is due.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2031-06-01T12:00:00Z') });
    const served = Date.now();
    const { res, background } = await visitThenBackground(`/${link.slug}`);
    const id = clickIdOf(res);
    const listed = async () => (await api('GET', `/api/v1/clicks/${id}`)).status;
    expect(await listed()).toBe(404);

    // The redirect's own background work: its batch goes to the visitor's click buffer.
    await background;
    expect(await listed()).toBe(404);
    const visitorId = new RegExp(`${VISITOR_COOKIE}=([0-9A-Z]{26})`).exec(res.headers.get('set-cookie') ?? '')?.[1];
    const buffer = env.CLICK_BUFFER.get(env.CLICK_BUFFER.idFromName(shardName(shardOf(visitorId ?? ''))));
    const alarm = await runInDurableObject(buffer, (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeLessThanOrEqual(served + ALARM_DELAY_MS * 1.2);

    expect(await runDurableObjectAlarm(buffer)).toBe(true);
    expect(await listed()).toBe(200);
  });
});
